package dev.switchboard.cluster;

/**
 * This node no longer holds the lease (or no longer at the epoch it processed under) of a session's
 * partition: the transaction must commit nothing; the partition's owner processes the event.
 */
public class LeaseLost extends RuntimeException {
    public LeaseLost(int partition) {
        super("the lease of partition " + partition + " is no longer this node's", null, false, false);
    }
}
