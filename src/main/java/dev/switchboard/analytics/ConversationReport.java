package dev.switchboard.analytics;

import dev.switchboard.conversations.ConversationFact;
import dev.switchboard.conversations.ConversationStatus;
import dev.switchboard.tenants.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The measured facts of one conversation (a {@code report_conversations} row), moved on by what
 * happened to it: the one place the definitions of the README's analytics live, used alike when
 * facts commit and when the rebuild replays the log.
 */
final class ConversationReport {
    final UUID conversationId;
    final TenantId tenant;
    final long sessionId;
    final String channel;
    final Instant createdAt;
    ConversationStatus status;
    Instant statusSince;
    UUID assignee;
    boolean reachedPerson;
    Instant handedOffAt;
    Instant pendingSince;
    Instant firstResponseAt;
    Long firstResponseMs;
    UUID firstResponderId;
    Instant resolvedAt;
    UUID resolvedById;
    long botMs;
    long humanMs;
    final List<Instant> waitingSince;

    /** A customer message that waited on a person, and the agent reply that answered it. */
    record Reply(ConversationReport of, UUID agentId, Instant askedAt, Instant answeredAt, long replyMs) {
    }

    /** The conversation was given to an agent. */
    record Assignment(ConversationReport of, UUID agentId, Instant at) {
    }

    ConversationReport(UUID conversationId, TenantId tenant, long sessionId, String channel, Instant createdAt,
            List<Instant> waitingSince) {
        this.conversationId = conversationId;
        this.tenant = tenant;
        this.sessionId = sessionId;
        this.channel = channel;
        this.createdAt = createdAt;
        this.waitingSince = new ArrayList<>(waitingSince);
    }

    static ConversationReport started(ConversationFact.Started started) {
        ConversationReport report = new ConversationReport(started.conversationId(), started.tenant(),
                started.sessionId(), started.channel(), started.at(), List.of());
        report.status = ConversationStatus.BOT;
        report.statusSince = started.at();
        return report;
    }

    /** Applies what happened; a reply it answered or an assignment it made is added to the lists. */
    void apply(ConversationFact fact, List<Reply> replies, List<Assignment> assignments) {
        if (fact instanceof ConversationFact.CustomerWrote wrote) {
            if (waitsOnPerson()) {
                waitingSince.add(wrote.at());
            }
        } else if (fact instanceof ConversationFact.AgentReplied replied) {
            for (Instant asked : waitingSince) {
                replies.add(new Reply(this, replied.agentId(), asked, replied.at(), millis(asked, replied.at())));
            }
            waitingSince.clear();
            if (pendingSince != null && firstResponseAt == null) {
                firstResponseAt = replied.at();
                firstResponseMs = millis(pendingSince, replied.at());
                firstResponderId = replied.agentId();
            }
            reachedPerson = true;
        } else if (fact instanceof ConversationFact.Moved moved) {
            move(moved, assignments);
        }
        // Started: the row exists already; started twice is the same start
    }

    private void move(ConversationFact.Moved moved, List<Assignment> assignments) {
        if (status == ConversationStatus.RESOLVED) {
            return; // resolved is the end of an episode
        }
        Instant at = moved.at();
        long spent = millis(statusSince, at);
        if (status == ConversationStatus.BOT) {
            botMs += spent;
        } else {
            humanMs += spent;
        }
        statusSince = at.isAfter(statusSince) ? at : statusSince;
        ConversationStatus to = moved.to();
        if (to == ConversationStatus.PENDING && status != ConversationStatus.PENDING) {
            if (handedOffAt == null) {
                handedOffAt = at;
            }
            if (firstResponseAt == null) {
                pendingSince = at; // the wait the first response answers starts at the latest handoff
            }
        }
        if (moved.assignee() != null && !moved.assignee().equals(assignee)) {
            assignments.add(new Assignment(this, moved.assignee(), at));
        }
        assignee = moved.assignee();
        if (to == ConversationStatus.PENDING || to == ConversationStatus.OPEN) {
            reachedPerson = true;
        } else {
            waitingSince.clear(); // given back to the bot or resolved: nobody will answer those as a person
        }
        if (to == ConversationStatus.RESOLVED) {
            resolvedAt = at;
            resolvedById = assignee;
        }
        status = to;
    }

    private boolean waitsOnPerson() {
        return status == ConversationStatus.PENDING || status == ConversationStatus.OPEN;
    }

    private static long millis(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis());
    }
}
