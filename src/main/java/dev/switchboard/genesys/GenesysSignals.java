package dev.switchboard.genesys;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.conversations.CustomerTyping;
import dev.switchboard.outbox.MessageStatus;
import dev.switchboard.outbox.MessageStatusChanged;
import dev.switchboard.processing.SessionExpired;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.sessions.SessionView;
import dev.switchboard.tenants.DatabaseScope;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * What Genesys is told best effort, after the commit and never queued: the customer is typing, an
 * agent's message reached the customer (or failed, with the channel's reason), and the session
 * expired while handed over (its Genesys side is disconnected). A failure is counted and logged,
 * never retried: a late typing indicator is worse than none.
 */
@ApplicationScoped
class GenesysSignals {
    private static final Logger LOG = Logger.getLogger(GenesysSignals.class);

    private final DeskProviders providers;
    private final GenesysApi api;
    private final GenesysConversations conversations;
    private final GenesysDelivery delivery;
    private final SessionStore sessions;
    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final MeterRegistry metrics;
    /** Two threads and a bounded queue: when Genesys is slow, signals beyond it are dropped, not queued. */
    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1000), new ThreadFactory() {
                private final AtomicInteger n = new AtomicInteger();

                @Override
                public Thread newThread(Runnable r) {
                    Thread t = new Thread(r, "genesys-signals-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }
            }, new ThreadPoolExecutor.AbortPolicy());

    GenesysSignals(DeskProviders providers, GenesysApi api, GenesysConversations conversations,
            GenesysDelivery delivery, SessionStore sessions, DataSource dataSource, ObjectMapper mapper,
            MeterRegistry metrics) {
        this.providers = providers;
        this.api = api;
        this.conversations = conversations;
        this.delivery = delivery;
        this.sessions = sessions;
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    void stop(@Observes ShutdownEvent ignored) {
        executor.shutdownNow();
    }

    void onCustomerTyping(@Observes CustomerTyping typing) {
        providers.genesysOf(typing.address().tenant()).ifPresent(desk -> later("typing", () -> {
            Optional<SessionView> session = DatabaseScope.asTenant(desk.tenant(), () -> sessions.find(typing.address()));
            if (session.isEmpty() || conversations.openOf(session.get().id()).isEmpty()) {
                return; // not with Genesys now
            }
            ObjectNode body = mapper.createObjectNode();
            ObjectNode channel = body.putObject("channel");
            channel.putObject("from").put("id", GenesysBridge.CUSTOMER_PREFIX + session.get().id())
                    .put("idType", "Opaque");
            channel.put("time", Instant.now().toString());
            body.putArray("events").addObject().put("eventType", "Typing").putObject("typing").put("type", "On")
                    .put("duration", 5000);
            api.signal(desk, "/api/v2/conversations/messages/" + desk.integrationId() + "/inbound/open/event", body);
        }));
    }

    void onExpired(@Observes(during = TransactionPhase.AFTER_SUCCESS) SessionExpired expired) {
        providers.genesysOf(expired.address().tenant()).ifPresent(desk -> later("expiry_disconnect",
                () -> DatabaseScope.asTenant(desk.tenant(), () -> delivery.disconnect(desk, expired.sessionId()))));
    }

    /** A final status of an agent's message that came from Genesys: Genesys gets the receipt. */
    void onStatus(@Observes(during = TransactionPhase.AFTER_SUCCESS) MessageStatusChanged status) {
        if (status.status() != MessageStatus.DELIVERED && status.status() != MessageStatus.FAILED) {
            return;
        }
        providers.genesysOf(status.tenant()).ifPresent(desk -> later("receipt", () -> {
            Optional<String> genesysId = DatabaseScope.asTenant(desk.tenant(),
                    () -> genesysMessageOf(status.sessionId(), status.effectSeq()));
            if (genesysId.isEmpty()) {
                return; // not a Genesys agent's message
            }
            ObjectNode body = mapper.createObjectNode().put("id", genesysId.get());
            ObjectNode channel = body.putObject("channel");
            channel.putObject("to").put("id", GenesysBridge.CUSTOMER_PREFIX + status.sessionId()).put("idType", "Opaque");
            channel.put("time", status.at().toString());
            boolean failed = status.status() == MessageStatus.FAILED;
            body.put("status", failed ? "Failed" : "Delivered").put("direction", "Outbound").put("isFinalReceipt", true);
            if (failed) {
                body.putArray("reasons").addObject().put("code", reasonCode(status.code()))
                        .put("message", status.reason() == null ? "not delivered" : status.reason());
            }
            api.signal(desk, "/api/v2/conversations/messages/" + desk.integrationId() + "/inbound/open/receipt", body);
        }));
    }

    /** The channel's failure in Open Messaging's words: WhatsApp's closed 24-hour window is no longer allowed. */
    static String reasonCode(String channelCode) {
        return "131047".equals(channelCode) ? "MessageNotAllowed" : "GeneralError";
    }

    /** The Genesys id of the agent message an effect delivered (its inbound event's client id), if it was one. */
    Optional<String> genesysMessageOf(long sessionId, long effectSeq) {
        // the effect answers the desk event that carried the Genesys message
        String sql = "SELECT e.client_msg_id FROM effects f JOIN events e ON e.session_id = f.session_id "
                + "AND e.seq = f.reply_to WHERE f.session_id = ? AND f.seq = ? AND e.client_msg_id LIKE 'genesys:%'";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, sessionId);
            ps.setLong(2, effectSeq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1).substring("genesys:".length())) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not find the Genesys message of an effect", e);
        }
    }

    private void later(String what, Runnable signal) {
        try {
            executor.execute(() -> {
                try {
                    signal.run();
                    metrics.counter("switchboard.genesys.signals", "signal", what, "outcome", "sent").increment();
                } catch (RuntimeException e) {
                    metrics.counter("switchboard.genesys.signals", "signal", what, "outcome", "failed").increment();
                    LOG.warnf("Genesys %s not sent (%s)", what, e.getClass().getName());
                }
            });
        } catch (RejectedExecutionException e) {
            metrics.counter("switchboard.genesys.signals", "signal", what, "outcome", "dropped").increment();
        }
    }
}
