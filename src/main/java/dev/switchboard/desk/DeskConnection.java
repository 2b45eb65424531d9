package dev.switchboard.desk;

import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * One desk socket: sends the tenant's changes after its cursor exactly once, in order. A reconnect
 * replays from the database; changes numbered meanwhile wait behind the replay. A live batch that does
 * not follow the last sent cursor (this socket missed one) is filled in from the database too.
 *
 * <p>Frames go out in one task per batch on the socket's event loop: at 200 messages a second, 50
 * desks receive some 20,000 frames a second, and a hand-off to the event loop per frame cost more
 * than writing them.
 */
final class DeskConnection {
    private static final int PAGE = 500;

    private final WebSocketConnection socket;
    private final DeskAgent agent;
    private final FeedSequencer feed;
    private final Executor replays;
    /** The socket's event loop; null only where there is none (then each frame is handed over alone). */
    private final Context context;
    private List<String> unsent = new ArrayList<>();
    private final ArrayDeque<FeedSequencer.Numbered> waiting = new ArrayDeque<>();
    private long sent;
    private boolean replaying;
    private boolean closed;

    DeskConnection(WebSocketConnection socket, Context context, DeskAgent agent, long after, FeedSequencer feed,
            Executor replays) {
        this.socket = socket;
        this.context = context;
        this.agent = agent;
        this.feed = feed;
        this.replays = replays;
        this.sent = after;
    }

    synchronized long sent() {
        return sent;
    }

    DeskAgent agent() {
        return agent;
    }

    String id() {
        return socket.id();
    }

    /** Starts sending: what is after the cursor, then live. */
    synchronized void open() {
        replay();
    }

    synchronized void offer(List<FeedSequencer.Numbered> rows) {
        if (closed) {
            return;
        }
        if (replaying) {
            waiting.addAll(rows);
            return;
        }
        for (FeedSequencer.Numbered row : rows) {
            if (row.cursor() <= sent) {
                continue;
            }
            if (row.cursor() != sent + 1) {
                replay(); // a gap: the database has what is missing, and this row too
                return;
            }
            send(row);
        }
        flush();
    }

    private void replay() {
        replaying = true;
        replays.execute(() -> {
            while (true) {
                long from;
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    from = sent;
                }
                List<FeedSequencer.Numbered> page = feed.after(agent.tenant(), from, PAGE);
                synchronized (this) {
                    page.forEach(this::send);
                    flush();
                    if (page.size() < PAGE) {
                        replaying = false;
                        List<FeedSequencer.Numbered> later = List.copyOf(waiting);
                        waiting.clear();
                        offer(later);
                        return;
                    }
                }
            }
        });
    }

    private void send(FeedSequencer.Numbered row) {
        if (row.cursor() <= sent) {
            return;
        }
        sent = row.cursor();
        unsent.add(row.text());
    }

    /** Called holding this connection's lock, so batches reach the event loop in cursor order. */
    private void flush() {
        if (unsent.isEmpty()) {
            return;
        }
        List<String> batch = unsent;
        unsent = new ArrayList<>();
        if (context == null) {
            batch.forEach(this::write);
        } else {
            context.runOnContext(ignored -> batch.forEach(this::write));
        }
    }

    private void write(String text) {
        socket.sendText(text).subscribe().with(ok -> { }, failure -> close());
    }

    synchronized void closed() {
        closed = true;
        waiting.clear();
    }

    void close() {
        closed();
        socket.close().subscribe().with(ok -> { }, failure -> { });
    }
}
