package dev.switchboard.channels.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.events.InboundFields;
import dev.switchboard.events.MessageText;
import dev.switchboard.outbox.MessageStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one webhook body says, for one channel: the messages customers wrote and the receipts of
 * messages we sent. Every {@code entry} and {@code change} is read; changes for another phone number
 * (a Meta app can serve several) are left out, so a body signed for this channel can only write into
 * this channel's tenant. Every string kept is made storable.
 */
final class WebhookPayload {
    /** Message types whose content is described to the agent; any other is kept but answered politely. */
    private static final Set<String> READABLE = Set.of("text", "image", "audio", "video", "document", "sticker",
            "location", "contacts", "interactive", "button");
    private static final Set<String> MEDIA = Set.of("image", "audio", "video", "document", "sticker");

    record Message(String waId, String wamid, String profileName, ObjectNode payload) {
    }

    record Receipt(String recipientWaId, String wamid, MessageStatus status, Instant at, String code, String reason) {
    }

    /** The body is not a WhatsApp webhook payload. The message names the problem, never quotes content. */
    static final class NotWhatsApp extends Exception {
        NotWhatsApp(String problem) {
            super(problem, null, false, false);
        }
    }

    final List<Message> messages = new ArrayList<>();
    final List<Receipt> receipts = new ArrayList<>();
    int otherPhoneNumbers;

    private WebhookPayload() {
    }

    static WebhookPayload read(JsonNode root, String phoneNumberId, ObjectMapper mapper) throws NotWhatsApp {
        if (!root.isObject() || !"whatsapp_business_account".equals(root.path("object").asText())
                || !root.path("entry").isArray()) {
            throw new NotWhatsApp("not a WhatsApp Business Account notification (object, entry)");
        }
        WebhookPayload payload = new WebhookPayload();
        for (JsonNode entry : root.path("entry")) {
            JsonNode changes = entry.path("changes");
            if (!changes.isArray()) {
                throw new NotWhatsApp("an entry without changes");
            }
            for (JsonNode change : changes) {
                JsonNode value = change.path("value");
                if (!"messages".equals(change.path("field").asText()) || !value.isObject()) {
                    continue; // account updates, templates, …: not ours to store
                }
                if (!phoneNumberId.equals(value.path("metadata").path("phone_number_id").asText())) {
                    payload.otherPhoneNumbers++;
                    continue;
                }
                payload.readChange(value, mapper);
            }
        }
        return payload;
    }

    private void readChange(JsonNode value, ObjectMapper mapper) throws NotWhatsApp {
        Map<String, String> names = new HashMap<>();
        for (JsonNode contact : value.path("contacts")) {
            String name = text(contact.path("profile").path("name"));
            if (name != null && contact.hasNonNull("wa_id")) {
                names.put(contact.path("wa_id").asText(), name);
            }
        }
        for (JsonNode message : value.path("messages")) {
            String from = waId(message.path("from"));
            String wamid = id(message.path("id"));
            messages.add(new Message(from, wamid, names.get(from), describe(message, wamid, mapper)));
        }
        for (JsonNode status : value.path("statuses")) {
            Optional<MessageStatus> kind = MessageStatus.fromWire(status.path("status").asText());
            if (kind.isEmpty() || kind.get() == MessageStatus.PENDING) {
                continue; // e.g. "deleted", "warning": nothing in our lifecycle
            }
            JsonNode error = status.path("errors").path(0);
            String code = error.isMissingNode() ? null : text(error.path("code"));
            String reason = error.isMissingNode() ? null : text(error.path("title"));
            if (kind.get() == MessageStatus.FAILED && code == null) {
                code = "unknown";
            }
            receipts.add(new Receipt(waId(status.path("recipient_id")), id(status.path("id")), kind.get(),
                    timestampOrNow(status.path("timestamp")), code, reason));
        }
    }

    /** The payload of the user_message event: the text the agent reads and a descriptor of the content. */
    private static ObjectNode describe(JsonNode message, String wamid, ObjectMapper mapper) {
        String type = message.path("type").asText("unknown");
        ObjectNode payload = mapper.createObjectNode();
        String text = "";
        if (!READABLE.contains(type)) {
            payload.put(InboundFields.UNSUPPORTED, true);
        } else if ("text".equals(type)) {
            text = orEmpty(text(message.path("text").path("body")));
        } else if (MEDIA.contains(type)) {
            JsonNode media = message.path(type);
            ObjectNode descriptor = payload.putObject("media");
            putText(descriptor, "id", media.path("id"));
            putText(descriptor, "mimeType", media.path("mime_type"));
            putText(descriptor, "sha256", media.path("sha256"));
            putText(descriptor, "caption", media.path("caption"));
            putText(descriptor, "filename", media.path("filename"));
            if (media.has("voice")) {
                descriptor.put("voice", media.path("voice").asBoolean());
            }
            if (media.has("animated")) {
                descriptor.put("animated", media.path("animated").asBoolean());
            }
            text = orEmpty(text(media.path("caption")));
        } else if ("location".equals(type)) {
            JsonNode location = message.path("location");
            ObjectNode descriptor = payload.putObject("location");
            if (location.path("latitude").isNumber()) {
                descriptor.put("latitude", location.path("latitude").asDouble());
            }
            if (location.path("longitude").isNumber()) {
                descriptor.put("longitude", location.path("longitude").asDouble());
            }
            putText(descriptor, "name", location.path("name"));
            putText(descriptor, "address", location.path("address"));
        } else if ("contacts".equals(type)) {
            var shared = payload.putArray("contacts");
            for (JsonNode contact : message.path("contacts")) {
                ObjectNode card = shared.addObject();
                putText(card, "name", contact.path("name").path("formatted_name"));
                var phones = card.putArray("phones");
                for (JsonNode phone : contact.path("phones")) {
                    String number = text(phone.path("phone"));
                    if (number != null) {
                        phones.add(number);
                    }
                }
            }
        } else if ("interactive".equals(type)) {
            JsonNode interactive = message.path("interactive");
            JsonNode chosen = interactive.has("button_reply") ? interactive.path("button_reply")
                    : interactive.path("list_reply");
            ObjectNode reply = payload.putObject("reply");
            putText(reply, "id", chosen.path("id"));
            putText(reply, "title", chosen.path("title"));
            putText(reply, "description", chosen.path("description"));
            text = orEmpty(text(chosen.path("title")));
        } else if ("button".equals(type)) {
            ObjectNode reply = payload.putObject("reply");
            putText(reply, "payload", message.path("button").path("payload"));
            putText(reply, "title", message.path("button").path("text"));
            text = orEmpty(text(message.path("button").path("text")));
        }
        payload.put(InboundFields.TEXT, text);
        payload.put(InboundFields.KIND, storableId(type));
        payload.put(InboundFields.EXTERNAL_ID, wamid);
        payload.put("sentAt", timestampOrNow(message.path("timestamp")).toString());
        String repliedTo = text(message.path("context").path("id"));
        if (repliedTo != null) {
            payload.putObject("context").put("replyTo", repliedTo);
        }
        return payload;
    }

    private static void putText(ObjectNode target, String field, JsonNode value) {
        String text = text(value);
        if (text != null) {
            target.put(field, text);
        }
    }

    private static String text(JsonNode value) {
        return value == null || value.isMissingNode() || value.isNull() || value.isContainerNode() ? null
                : MessageText.storable(value.asText());
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private static String storableId(String value) {
        return value.length() > 64 ? value.substring(0, 64) : MessageText.storable(value);
    }

    private static String waId(JsonNode value) throws NotWhatsApp {
        String id = value.asText("");
        if (!id.matches("[0-9]{5,20}")) {
            throw new NotWhatsApp("a message or status without a valid WhatsApp id");
        }
        return id;
    }

    private static String id(JsonNode value) throws NotWhatsApp {
        String id = value.asText("");
        if (id.isEmpty() || id.length() > 200 || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new NotWhatsApp("a message or status without a valid id");
        }
        return id;
    }

    /** Meta's Unix seconds, or now when absent or absurd (before 2000, more than a day ahead). */
    private static Instant timestampOrNow(JsonNode value) {
        Instant now = Instant.now();
        try {
            long seconds = Long.parseLong(value.asText(""));
            if (seconds >= 946_684_800L && seconds <= now.getEpochSecond() + 86_400) {
                return Instant.ofEpochSecond(seconds);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        return now;
    }
}
