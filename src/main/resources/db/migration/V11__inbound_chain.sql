-- Each inbound append also records the seq of the inbound event before it, so that the event can be
-- handed to its worker in memory: the worker processes it without reading the log only when that
-- earlier event is the last one it processed (ADR 0012).
ALTER TABLE sessions ADD COLUMN prior_inbound_seq bigint NOT NULL DEFAULT 0;
