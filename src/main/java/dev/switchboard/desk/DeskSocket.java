package dev.switchboard.desk;

import dev.switchboard.tenants.DatabaseScope;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;
import java.util.UUID;

/**
 * The live desk feed: {@code /ws/v1/desk?after={cursor}} with an agent token. Every change of the
 * tenant's conversations after the cursor (without one: after the last change when the socket opened,
 * which the first frame, {@code ready}, names), exactly once, in commit order ({@link FeedSequencer}).
 */
@WebSocket(path = "/ws/v1/desk", endpointId = DeskSocket.ENDPOINT)
public class DeskSocket {
    static final String ENDPOINT = "desk";

    private final DeskConnections connections;
    private final FeedSequencer feed;
    private final DeskAgents agents;

    DeskSocket(DeskConnections connections, FeedSequencer feed, DeskAgents agents) {
        this.connections = connections;
        this.feed = feed;
        this.agents = agents;
    }

    @OnOpen
    public void open(WebSocketConnection socket) {
        UUID agentId = UUID.fromString(socket.userData().get(DeskUpgradeCheck.AGENT));
        DeskAgent agent = DatabaseScope.forAuthentication(() -> agents.active(agentId)).orElse(null);
        if (agent == null) {
            socket.close().subscribe().with(ok -> { }, failure -> { });
            return;
        }
        long last = feed.last(agent.tenant());
        // no cursor: a desk that just loaded the inbox wants what changes from now on, not the tenant's history
        long after = DeskUpgradeCheck.after(socket.handshakeRequest().query()).orElse(last);
        if (after > last) {
            // a cursor this tenant never handed out would silently skip what comes next
            socket.sendTextAndAwait("{\"type\":\"error\",\"code\":\"invalid_cursor\",\"message\":\"after is "
                    + "beyond the last cursor; delivering from the last one instead\"}");
            after = last;
        }
        // where live delivery starts: a client loads what it shows (the inbox) after this, and misses nothing
        socket.sendTextAndAwait("{\"type\":\"ready\",\"after\":\"" + after + "\"}");
        DeskConnection connection = new DeskConnection(socket, Vertx.currentContext(), agent, after, feed,
                connections.replays());
        connections.add(connection);
        connection.open();
    }

    @OnTextMessage
    public String message(String raw) {
        return raw.contains("\"ping\"") ? "{\"type\":\"pong\"}"
                : "{\"type\":\"error\",\"code\":\"unknown_type\",\"message\":\"the desk feed takes only ping frames\"}";
    }

    @OnClose
    public void close(WebSocketConnection socket) {
        DeskConnection connection = connections.remove(socket.id());
        if (connection != null) {
            connection.closed();
        }
    }
}
