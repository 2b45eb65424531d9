package dev.switchboard.desk;

import dev.switchboard.tenants.CredentialCheck;
import dev.switchboard.tenants.DatabaseScope;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Agent tokens authenticate the desk's endpoints ({@code /api/v1/conversations}, {@code /api/v1/desk/me})
 * and the analytics reports ({@code /api/v1/analytics}), and nothing else.
 */
@ApplicationScoped
class AgentTokenCheck implements CredentialCheck {
    static final String DESK_PATH = "/api/v1/conversations";
    static final String ME_PATH = "/api/v1/desk/me";
    private static final java.util.List<String> PATHS = java.util.List.of(DESK_PATH, ME_PATH, "/api/v1/analytics");

    private final DeskAgents agents;
    private final RequestAgent requestAgent;

    AgentTokenCheck(DeskAgents agents, RequestAgent requestAgent) {
        this.agents = agents;
        this.requestAgent = requestAgent;
    }

    @Override
    public boolean recognises(String credential) {
        return credential != null && credential.startsWith(DeskAgents.TOKEN_PREFIX);
    }

    @Override
    public Optional<TenantId> authenticate(String credential, String path) {
        if (credential.length() > 512 || PATHS.stream().noneMatch(p -> path.equals(p) || path.startsWith(p + "/"))) {
            return Optional.empty();
        }
        Optional<DeskAgent> agent = DatabaseScope.forAuthentication(() -> agents.byToken(credential));
        agent.ifPresent(requestAgent::set);
        return agent.map(DeskAgent::tenant);
    }

    @Override
    public String refusal() {
        return "A valid agent token is required; agent tokens are accepted by the desk and analytics endpoints only.";
    }
}
