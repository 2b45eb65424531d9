-- Trace context across the log (ADR 0015): the W3C traceparent of the sampled span that stored an
-- inbound event, and of the processing that recorded an effect. NULL while tracing is off.
ALTER TABLE events ADD COLUMN trace_parent text;
ALTER TABLE effects ADD COLUMN trace_parent text;
