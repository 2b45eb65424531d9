package dev.switchboard.customers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The {@code customers} table. Rows are created or refreshed by the channels on a person's first
 * message (a WhatsApp id) or when a web client token names them (an external id). Every method
 * joins the caller's transaction; row-level security keeps a request to its tenant.
 */
@ApplicationScoped
public class CustomerStore {
    private static final String COLUMNS = "id, wa_id, external_id, phone, name, email, preferences::text, "
            + "metadata::text, created_at, updated_at";

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final Event<CustomerChanged> changed;

    CustomerStore(DataSource dataSource, ObjectMapper mapper, Event<CustomerChanged> changed) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.changed = changed;
    }

    /**
     * The customer of a WhatsApp id, created on first sight; a profile name given replaces the stored one.
     * A customer already known as given is only read: the upsert would rewrite and lock the row on every
     * message, and a customer's next webhook waited for that lock behind the whole webhook transaction.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID upsertWhatsApp(TenantId tenant, String waId, String phone, String name) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, name, phone FROM customers WHERE tenant_id = ? AND wa_id = ?")) {
            ps.setObject(1, tenant.value());
            ps.setString(2, waId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && (name == null || name.equals(rs.getString(2)))
                        && (phone == null || rs.getString(3) != null)) {
                    return (UUID) rs.getObject(1);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read a customer", e);
        }
        String sql = """
                INSERT INTO customers (id, tenant_id, wa_id, phone, name) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (tenant_id, wa_id) DO UPDATE
                   SET name = COALESCE(EXCLUDED.name, customers.name),
                       phone = COALESCE(customers.phone, EXCLUDED.phone),
                       updated_at = CASE WHEN EXCLUDED.name IS DISTINCT FROM customers.name AND EXCLUDED.name IS NOT NULL
                                         THEN now() ELSE customers.updated_at END
                RETURNING id""";
        return upsert(sql, UUID.randomUUID(), tenant.value(), waId, phone, name);
    }

    /** The customer a tenant knows by its own id (a web client token named it); given fields replace stored ones. */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID upsertExternal(TenantId tenant, String externalId, String name, String email, String phone) {
        String sql = """
                INSERT INTO customers (id, tenant_id, external_id, phone, name, email) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (tenant_id, external_id) DO UPDATE
                   SET name = COALESCE(EXCLUDED.name, customers.name),
                       phone = COALESCE(EXCLUDED.phone, customers.phone),
                       email = COALESCE(EXCLUDED.email, customers.email),
                       updated_at = now()
                RETURNING id""";
        return upsert(sql, UUID.randomUUID(), tenant.value(), externalId, phone, name, email);
    }

    private UUID upsert(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return (UUID) rs.getObject(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not record a customer", e);
        }
    }

    @Transactional
    public Optional<Customer> find(UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM customers WHERE id = ?")) {
            ps.setObject(1, id);
            List<Customer> found = readAll(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        } catch (SQLException e) {
            throw new IllegalStateException("could not read a customer", e);
        }
    }

    /**
     * A page of the tenant's customers in id order after {@code cursor}: those with exactly the
     * E.164 {@code phone} when given, and whose name contains {@code nameContains} when given.
     */
    @Transactional
    public List<Customer> search(String phone, String nameContains, UUID cursor, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM customers WHERE true");
        List<Object> args = new ArrayList<>();
        if (phone != null) {
            sql.append(" AND phone = ?");
            args.add(phone);
        }
        if (nameContains != null) {
            sql.append(" AND name ILIKE ? ESCAPE '\\'");
            args.add("%" + nameContains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (cursor != null) {
            sql.append(" AND id > ?");
            args.add(cursor);
        }
        sql.append(" ORDER BY id LIMIT ?");
        args.add(limit);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            return readAll(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("could not search customers", e);
        }
    }

    /** Replaces the given fields (null leaves one as it is); empty when there is no such customer. */
    @Transactional
    public Optional<Customer> update(TenantId tenant, UUID id, String name, String phone, JsonNode preferences,
            JsonNode metadata) {
        String sql = """
                UPDATE customers SET name = COALESCE(?, name), phone = COALESCE(?, phone),
                       preferences = COALESCE(?::jsonb, preferences), metadata = COALESCE(?::jsonb, metadata),
                       updated_at = now()
                 WHERE id = ? RETURNING """ + " " + COLUMNS;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            ps.setString(2, phone);
            ps.setString(3, preferences == null ? null : mapper.writeValueAsString(preferences));
            ps.setString(4, metadata == null ? null : mapper.writeValueAsString(metadata));
            ps.setObject(5, id);
            List<Customer> updated = readAll(ps);
            if (updated.isEmpty()) {
                return Optional.empty();
            }
            changed.fire(new CustomerChanged(tenant, id, false, updated.get(0).updatedAt()));
            return Optional.of(updated.get(0));
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("could not update a customer", e);
        }
    }

    /** Deletes the profile; the customer's sessions keep their (erased) logs, unlinked. */
    @Transactional
    public boolean delete(TenantId tenant, UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM customers WHERE id = ?")) {
            ps.setObject(1, id);
            boolean deleted = ps.executeUpdate() == 1;
            if (deleted) {
                changed.fire(new CustomerChanged(tenant, id, true, Instant.now()));
            }
            return deleted;
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete a customer", e);
        }
    }

    private List<Customer> readAll(PreparedStatement ps) throws SQLException {
        List<Customer> customers = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                customers.add(new Customer((UUID) rs.getObject(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), json(rs.getString(7)), json(rs.getString(8)),
                        instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10))));
            }
        }
        return customers;
    }

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored customer JSON is not JSON", e);
        }
    }

    private static java.time.Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
