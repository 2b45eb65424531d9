package dev.switchboard.ops;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Browsers cannot set headers on a WebSocket, so the chat and desk sockets take their token as
 * {@code ?access_token=}; the HTTP server spans record the query. Every span has it masked as it
 * starts, before any exporter sees it.
 */
@ApplicationScoped
public class TokenRedaction implements SpanProcessor {
    private static final List<AttributeKey<String>> URL_KEYS = List.of(AttributeKey.stringKey("url.query"),
            AttributeKey.stringKey("url.full"), AttributeKey.stringKey("http.target"), AttributeKey.stringKey("http.url"));
    private static final Pattern TOKEN = Pattern.compile("(access_token=)[^&#]*");

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        for (AttributeKey<String> key : URL_KEYS) {
            String value = span.getAttribute(key);
            if (value != null && value.contains("access_token=")) {
                span.setAttribute(key, redact(value));
            }
        }
    }

    static String redact(String url) {
        return TOKEN.matcher(url).replaceAll("$1***");
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
