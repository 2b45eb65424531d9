package dev.switchboard.processing;

import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.storage.Pipeline;
import java.util.Map;

/**
 * A module whose rows follow what processing decided, written in the processing transaction and in
 * its round trips: what it reads is sent with the sessions' row updates (so it is read under their
 * locks), what it writes goes with the derived events and effects. The write is then two round trips
 * and the commit, whatever the number of modules.
 */
public interface ProcessingFollower {
    /** Adds what it must read of these sessions (by id, with their addresses) to the write's first round trip. */
    Followup read(Map<Long, SessionAddress> addresses, Pipeline first);

    /** What the follower does once the first round trip has run. */
    @FunctionalInterface
    interface Followup {
        /** Follows the committed processing; writes that can wait go in {@code second}. */
        void follow(ProcessingCommitted committed, Pipeline second);
    }
}
