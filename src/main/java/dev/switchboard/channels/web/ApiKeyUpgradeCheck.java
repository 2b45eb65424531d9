package dev.switchboard.channels.web;

import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.tenants.BearerToken;
import dev.switchboard.tenants.TenantDirectory;
import dev.switchboard.tenants.TenantId;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Refuses the WebSocket upgrade without a valid API key (401) or with an unusable session key (400). */
@ApplicationScoped
class ApiKeyUpgradeCheck implements HttpUpgradeCheck {
    static final UserData.TypedKey<String> TENANT = UserData.TypedKey.forString("switchboard.tenant");

    private final TenantDirectory directory;

    ApiKeyUpgradeCheck(TenantDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (SessionAddress.keyProblem(context.pathParam("sessionKey")) != null) {
            return CheckResult.rejectUpgrade(400);
        }
        String credential = BearerToken.from(context.httpRequest().getHeader("Authorization"));
        return Uni.createFrom().item(() -> directory.authenticate(credential))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map((Optional<TenantId> tenant) -> {
                    if (tenant.isEmpty()) {
                        return CheckResult.rejectUpgradeSync(401, Map.of("WWW-Authenticate", List.of("Bearer")));
                    }
                    context.userData().put(TENANT, tenant.get().toString());
                    return CheckResult.permitUpgradeSync();
                });
    }
}
