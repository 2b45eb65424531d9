package dev.switchboard.customers;

import dev.switchboard.events.MessageText;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.sessions.SessionStore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.UUID;

/** Names the customer of a web session from what the tenant's site knows about the person. */
@ApplicationScoped
public class SessionCustomers {
    private static final int MAX_FIELD = 200;

    private final CustomerStore customers;
    private final SessionStore sessions;
    private final PhoneNumbers phones;

    SessionCustomers(CustomerStore customers, SessionStore sessions, PhoneNumbers phones) {
        this.customers = customers;
        this.sessions = sessions;
        this.phones = phones;
    }

    /** The person as a client token request names them; externalId is the tenant's own id for them. */
    @RegisterForReflection
    public record Named(String externalId, String name, String email, String phone) {
    }

    /** Validates, records the customer and links the session (created if need be), in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID name(SessionAddress address, Named person) {
        String externalId = field(person.externalId(), "customer.externalId");
        if (externalId == null) {
            throw ProblemException.badRequest("'customer.externalId' is required to name a customer.");
        }
        String name = field(person.name(), "customer.name");
        String email = field(person.email(), "customer.email");
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+")) {
            throw ProblemException.badRequest("'customer.email' is not an email address.");
        }
        String phone = null;
        if (person.phone() != null) {
            phone = phones.e164(person.phone())
                    .orElseThrow(() -> ProblemException.badRequest("'customer.phone' is not a valid phone number."));
        }
        UUID customer = customers.upsertExternal(address.tenant(), externalId, name, email, phone);
        sessions.ensureWithCustomer(address, customer);
        return customer;
    }

    private static String field(String value, String field) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.isEmpty() || trimmed.length() > MAX_FIELD) {
            throw ProblemException.badRequest("'" + field + "' must be 1 to " + MAX_FIELD + " characters.");
        }
        String problem = MessageText.problem(field, trimmed);
        if (problem != null) {
            throw ProblemException.badRequest(problem + ".");
        }
        return trimmed;
    }
}
