package dev.switchboard.outbox;

/** What a channel did with an effect. A failed delivery is an exception instead, and is retried. */
public enum DeliveryOutcome {
    /** handed to at least one recipient */
    DELIVERED,
    /** queued on the recipient's connection; the channel confirms it (marks it sent) once written */
    QUEUED,
    /** nobody to hand it to now; it waits in the table until the client resumes */
    NO_RECIPIENT,
    /** handed over, and the channel recorded that itself (with the recipient's id for it, through {@link MessageStatuses}) */
    CONFIRMED
}
