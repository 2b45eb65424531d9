package dev.switchboard.ops;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Trace context across the log (ADR 0015): the W3C {@code traceparent} of the span that stored an
 * inbound event is kept with it, so that processing, which runs later on another thread (maybe
 * another node), continues that trace, and the delivery of the reply continues processing's. Spans
 * carry ids and names only, never message text.
 */
@ApplicationScoped
public class Traces {
    private static final String TRACEPARENT = "traceparent";
    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    public static final AttributeKey<Long> SESSION_ID = AttributeKey.longKey("switchboard.session.id");
    public static final AttributeKey<Long> EVENT_SEQ = AttributeKey.longKey("switchboard.event.seq");
    public static final AttributeKey<Long> EFFECT_SEQ = AttributeKey.longKey("switchboard.effect.seq");
    public static final AttributeKey<String> CHANNEL = AttributeKey.stringKey("switchboard.channel");

    private final Tracer tracer;

    Traces(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * The {@code traceparent} of the current span, or null outside of a sampled one (with tracing off,
     * nothing is stored).
     */
    public static String currentParent() {
        SpanContext span = Span.current().getSpanContext();
        if (!span.isValid() || !span.isSampled()) {
            return null;
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }

    /**
     * Starts a span named {@code name} as a child of the stored {@code traceParent} (a root span when
     * there is none or it is malformed); the caller makes it current and ends it.
     */
    public Span startChildOf(String traceParent, String name, SpanKind kind) {
        Context parent = Context.root();
        if (traceParent != null) {
            parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of(TRACEPARENT, traceParent),
                    MAP);
        }
        return tracer.spanBuilder(name).setParent(parent).setSpanKind(kind).startSpan();
    }

    /** Starts a span named {@code name} under the current one. */
    public Span startChild(String name) {
        return tracer.spanBuilder(name).startSpan();
    }
}
