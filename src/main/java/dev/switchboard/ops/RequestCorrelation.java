package dev.switchboard.ops;

import jakarta.enterprise.context.RequestScoped;

/** The correlation id of the current HTTP request. */
@RequestScoped
public class RequestCorrelation {
    private String id;

    void set(String id) {
        this.id = id;
    }

    public String get() {
        return id;
    }
}
