package dev.switchboard.channels.whatsapp;

import dev.switchboard.customers.CustomerStore;
import dev.switchboard.customers.PhoneNumbers;
import dev.switchboard.events.AppendResult;
import dev.switchboard.events.EventStore;
import dev.switchboard.outbox.MessageStatuses;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.tenants.DatabaseScope;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Stores what one webhook body says in ONE transaction, as the channel's tenant: every message as a
 * {@code user_message} event of the customer's session (a repeated wamid is stored once), the customer's
 * profile, every receipt as a status of the message it names. Sessions are touched in the order every
 * writer locks them ({@link SessionAddress#LOCK_ORDER}), so a webhook never deadlocks with processing.
 */
@ApplicationScoped
class WhatsAppInbox {
    private final EventStore events;
    private final SessionStore sessions;
    private final CustomerStore customers;
    private final PhoneNumbers phones;
    private final MessageStatuses statuses;

    WhatsAppInbox(EventStore events, SessionStore sessions, CustomerStore customers, PhoneNumbers phones,
            MessageStatuses statuses) {
        this.events = events;
        this.sessions = sessions;
        this.customers = customers;
        this.phones = phones;
        this.statuses = statuses;
    }

    /** What a webhook changed: new messages, repeats of stored ones, receipts applied. */
    record Stored(int messages, int duplicates, int receipts) {
    }

    private static final class PerSession {
        final List<WebhookPayload.Message> messages = new ArrayList<>();
        final List<WebhookPayload.Receipt> receipts = new ArrayList<>();
    }

    Stored store(WhatsAppChannel channel, WebhookPayload payload, String correlationId) {
        Map<SessionAddress, PerSession> bySession = new TreeMap<>(SessionAddress.LOCK_ORDER);
        for (WebhookPayload.Message message : payload.messages) {
            bySession.computeIfAbsent(address(channel, message.waId()), a -> new PerSession()).messages.add(message);
        }
        for (WebhookPayload.Receipt receipt : payload.receipts) {
            bySession.computeIfAbsent(address(channel, receipt.recipientWaId()), a -> new PerSession()).receipts
                    .add(receipt);
        }
        return DatabaseScope.asTenant(channel.tenant(), () -> QuarkusTransaction.requiringNew().call(() -> {
            int stored = 0;
            int duplicates = 0;
            int applied = 0;
            for (Map.Entry<SessionAddress, PerSession> entry : bySession.entrySet()) {
                SessionAddress address = entry.getKey();
                PerSession work = entry.getValue();
                UUID customer = null;
                for (WebhookPayload.Message message : work.messages) {
                    if (customer == null || message.profileName() != null) {
                        customer = customers.upsertWhatsApp(channel.tenant(), message.waId(),
                                phones.fromWaId(message.waId()).orElse(null), message.profileName());
                    }
                    AppendResult result = events.appendMessageInTransaction(address, message.wamid(),
                            message.payload(), correlationId);
                    if (result.duplicate()) {
                        duplicates++;
                    } else {
                        stored++;
                    }
                    sessions.linkCustomer(result.sessionId(), customer);
                }
                if (!work.receipts.isEmpty() && sessions.lock(address).isPresent()) {
                    for (WebhookPayload.Receipt receipt : work.receipts) {
                        if (statuses.receive(channel.tenant(), receipt.wamid(), new MessageStatuses.Receipt(
                                receipt.status(), receipt.at(), receipt.code(), receipt.reason()))) {
                            applied++;
                        }
                    }
                }
            }
            return new Stored(stored, duplicates, applied);
        }));
    }

    private static SessionAddress address(WhatsAppChannel channel, String waId) {
        return SessionAddress.whatsApp(channel.tenant(), channel.phoneNumberId(), waId);
    }
}
