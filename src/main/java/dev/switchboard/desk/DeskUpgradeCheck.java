package dev.switchboard.desk;

import dev.switchboard.tenants.BearerToken;
import dev.switchboard.tenants.DatabaseScope;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The desk socket's upgrade needs an active agent's token (header, or {@code ?access_token=}) and a valid cursor. */
@ApplicationScoped
class DeskUpgradeCheck implements HttpUpgradeCheck {
    static final UserData.TypedKey<String> AGENT = UserData.TypedKey.forString("switchboard.desk.agent");

    private final DeskAgents agents;

    DeskUpgradeCheck(DeskAgents agents) {
        this.agents = agents;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return DeskSocket.ENDPOINT.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (after(context.httpRequest().query()) < 0) {
            return CheckResult.rejectUpgrade(400);
        }
        String credential = BearerToken.from(context.httpRequest().getHeader("Authorization"));
        if (credential == null) {
            credential = context.httpRequest().getParam("access_token");
        }
        if (credential == null || !credential.startsWith(DeskAgents.TOKEN_PREFIX) || credential.length() > 512) {
            return CheckResult.rejectUpgrade(401);
        }
        String token = credential;
        return Uni.createFrom().item(() -> DatabaseScope.forAuthentication(() -> agents.byToken(token)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(agent -> decide(context, agent));
    }

    private static CheckResult decide(HttpUpgradeContext context, Optional<DeskAgent> agent) {
        if (agent.isEmpty()) {
            return CheckResult.rejectUpgradeSync(401, Map.of("WWW-Authenticate", List.of("Bearer")));
        }
        context.userData().put(AGENT, agent.get().id().toString());
        return CheckResult.permitUpgradeSync();
    }

    /** The cursor of {@code ?after=}: 0 when absent, -1 when it is not one. */
    static long after(String query) {
        if (query == null) {
            return 0;
        }
        for (String part : query.split("&")) {
            if (part.startsWith("after=")) {
                try {
                    long value = Long.parseLong(part.substring("after=".length()));
                    return value >= 0 ? value : -1;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return 0;
    }
}
