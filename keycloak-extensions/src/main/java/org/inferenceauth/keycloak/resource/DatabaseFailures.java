package org.inferenceauth.keycloak.resource;

import jakarta.persistence.PersistenceException;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.transaction.JtaTransactionManagerLookup;

/**
 * What a gateway endpoint answers when Keycloak's database fails: 503 {@code temporarily_unavailable}
 * with {@code Retry-After}, which gateways treat as an outage (cached keys keep working, unknown
 * keys get 503). Never {@code {"active":false}} or an answer built from half a lookup: a gateway
 * would cache a valid key as invalid and refuse it with 401, or evict it after a re-check.
 */
final class DatabaseFailures {

    static final int RETRY_AFTER_SECONDS = 5;
    private static final Logger LOG = Logger.getLogger(DatabaseFailures.class);

    private DatabaseFailures() {}

    /** Runs {@code endpoint}, a read; an answer it built while the database failed becomes the 503. */
    static Response unavailableOnFailure(KeycloakSession session, Supplier<Response> endpoint) {
        Response answer;
        try {
            answer = endpoint.get();
        } catch (WebApplicationException answered) {
            throw answered;
        } catch (RuntimeException e) {
            Throwable database = databaseCause(e);
            if (database == null) {
                throw e;
            }
            // The exception's class only: driver messages may quote SQL with values (key ids, user ids).
            throw unavailable(database.getClass().getName());
        }
        // Hibernate's find() does not throw when a JDBC failure has marked the transaction for
        // rollback (HHH-12472): it logs and returns null, so "no such key" may mean "no database".
        // These endpoints never roll back on purpose: a transaction marked for rollback means the
        // answer cannot be trusted.
        if (transactionFailed(session)) {
            throw unavailable("transaction marked for rollback");
        }
        return answer;
    }

    private static WebApplicationException unavailable(String why) {
        LOG.warnf("Database unavailable for a gateway request (%s); answering 503", why);
        return new WebApplicationException(ApiErrors.json(503, "temporarily_unavailable",
                        "Keycloak's database is unavailable; try again later.")
                .header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)).build());
    }

    private static boolean transactionFailed(KeycloakSession session) {
        if (session.getTransactionManager().getRollbackOnly()) {
            return true;
        }
        JtaTransactionManagerLookup lookup = session.getProvider(JtaTransactionManagerLookup.class);
        TransactionManager jta = lookup == null ? null : lookup.getTransactionManager();
        if (jta == null) {
            return false;
        }
        try {
            int status = jta.getStatus();
            return status != Status.STATUS_ACTIVE && status != Status.STATUS_NO_TRANSACTION;
        } catch (SystemException e) {
            return true;
        }
    }

    private static Throwable databaseCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException || t instanceof PersistenceException) {
                return t;
            }
        }
        return null;
    }
}
