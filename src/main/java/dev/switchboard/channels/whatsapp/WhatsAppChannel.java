package dev.switchboard.channels.whatsapp;

import dev.switchboard.tenants.TenantId;
import java.util.UUID;

/** A configured WhatsApp phone number, secrets opened. Its toString never shows them. */
record WhatsAppChannel(UUID id, TenantId tenant, String phoneNumberId, String accessToken, String appSecret,
        String verifyToken, boolean markRead, int sendRate) {

    String webhookPath() {
        return "/webhooks/whatsapp/" + id;
    }

    @Override
    public String toString() {
        return "WhatsAppChannel[" + id + ", phoneNumberId=" + phoneNumberId + "]";
    }
}
