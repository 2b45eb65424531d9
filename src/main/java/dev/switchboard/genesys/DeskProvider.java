package dev.switchboard.genesys;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a tenant's handed-off conversations are answered. */
public enum DeskProvider {
    /** Switchboard's own desk: agents, the console, the desk API */
    BUILTIN,
    /** Genesys Cloud, through an Open Messaging integration */
    GENESYS;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static DeskProvider fromWire(String wire) {
        for (DeskProvider provider : values()) {
            if (provider.wire().equals(wire)) {
                return provider;
            }
        }
        throw new IllegalArgumentException("unknown desk provider " + wire);
    }
}
