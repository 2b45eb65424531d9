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
import java.util.OptionalLong;

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
        try {
            after(context.httpRequest().query());
        } catch (NumberFormatException e) {
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

    /** The cursor of {@code ?after=}, empty when absent (the feed then starts at the tenant's last change). */
    static OptionalLong after(String query) {
        if (query == null) {
            return OptionalLong.empty();
        }
        for (String part : query.split("&")) {
            if (part.startsWith("after=")) {
                long value = Long.parseLong(part.substring("after=".length())); // NumberFormatException: not a cursor
                if (value < 0) {
                    throw new NumberFormatException("a cursor is never negative");
                }
                return OptionalLong.of(value);
            }
        }
        return OptionalLong.empty();
    }
}
