package dev.switchboard.channels.web;

import dev.switchboard.ops.MatrixParameters;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.tenants.BearerToken;
import dev.switchboard.tenants.ClientTokens;
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

/**
 * Lets a WebSocket upgrade through with a valid API key ({@code Authorization: Bearer <key>}), or with
 * a client token for exactly this session (the same header, or {@code ?access_token=} for browsers,
 * which cannot set headers on a WebSocket); refuses it otherwise (401), or for an unusable session
 * key (400).
 */
@ApplicationScoped
class ApiKeyUpgradeCheck implements HttpUpgradeCheck {
    static final UserData.TypedKey<String> TENANT = UserData.TypedKey.forString("switchboard.tenant");

    private final TenantDirectory directory;
    private final ClientTokens tokens;

    ApiKeyUpgradeCheck(TenantDirectory directory, ClientTokens tokens) {
        this.directory = directory;
        this.tokens = tokens;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return ChatSocket.ENDPOINT.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (MatrixParameters.in(context.httpRequest().path())
                || SessionAddress.webKeyProblem(context.pathParam("sessionKey")) != null) {
            return CheckResult.rejectUpgrade(400);
        }
        String credential = BearerToken.from(context.httpRequest().getHeader("Authorization"));
        boolean inUrl = credential == null;
        if (inUrl) {
            credential = context.httpRequest().getParam("access_token");
        }
        if (ClientTokens.looksLikeToken(credential)) {
            String sessionKey = context.pathParam("sessionKey");
            Optional<TenantId> tenant = tokens.verify(credential)
                    .filter(grant -> grant.sessionKey().equals(sessionKey))
                    .map(ClientTokens.Grant::tenant);
            return Uni.createFrom().item(decide(context, tenant));
        }
        if (inUrl) {
            // only a client token (one session, short-lived) may travel in a URL, which proxies and
            // browsers keep in their logs and history; an API key goes in the Authorization header
            return Uni.createFrom().item(decide(context, Optional.empty()));
        }
        String apiKey = credential;
        return Uni.createFrom().item(() -> directory.authenticate(apiKey))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(tenant -> decide(context, tenant));
    }

    private static CheckResult decide(HttpUpgradeContext context, Optional<TenantId> tenant) {
        if (tenant.isEmpty()) {
            return CheckResult.rejectUpgradeSync(401, Map.of("WWW-Authenticate", List.of("Bearer")));
        }
        context.userData().put(TENANT, tenant.get().toString());
        return CheckResult.permitUpgradeSync();
    }
}
