package dev.switchboard.storage;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The node's group committers, for the liveness check: each is one writer thread everything waits on. */
@ApplicationScoped
public class CommitWriters {
    private final List<GroupCommitter<?, ?>> writers = new CopyOnWriteArrayList<>();

    public <Q, R> GroupCommitter<Q, R> register(GroupCommitter<Q, R> writer) {
        writers.add(writer);
        return writer;
    }

    void unregister(GroupCommitter<?, ?> writer) {
        writers.remove(writer);
    }

    public List<GroupCommitter<?, ?>> all() {
        return List.copyOf(writers);
    }
}
