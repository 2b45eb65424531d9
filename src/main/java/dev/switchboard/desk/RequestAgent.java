package dev.switchboard.desk;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/** The desk agent a request authenticated as with an agent token; empty for a tenant API key. */
@RequestScoped
public class RequestAgent {
    private DeskAgent agent;

    void set(DeskAgent agent) {
        this.agent = agent;
    }

    public Optional<DeskAgent> current() {
        return Optional.ofNullable(agent);
    }
}
