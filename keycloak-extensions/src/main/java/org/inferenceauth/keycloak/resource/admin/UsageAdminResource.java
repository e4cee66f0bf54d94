package org.inferenceauth.keycloak.resource.admin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import org.inferenceauth.keycloak.model.jpa.UsageStore;
import org.inferenceauth.keycloak.resource.ApiErrors;
import org.inferenceauth.keycloak.resource.ReportAnswers;
import org.inferenceauth.keycloak.resource.ReportParameters;
import org.inferenceauth.keycloak.usage.UsageLifecycle;
import org.inferenceauth.keycloak.usage.UsageReports;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/usage}: the realm's usage reports. Keycloak has authenticated the
 * token (any token of the realm, or of the master realm, gets this far); readers hold the realm
 * role {@value #REPORTER_ROLE}, or {@code view-realm} or {@code view-users}.
 */
public final class UsageAdminResource {

    public static final String REPORTER_ROLE = "usage-reporter";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    UsageAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                       AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent.resource("USAGE");
    }

    @GET
    @Path("active-users")
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    public Response activeUsers(@Context UriInfo uri, @Context HttpHeaders headers) {
        requireReporter();
        ReportParameters p = ReportParameters.read(uri.getQueryParameters(), headers, ReportParameters.ACTIVE_USERS, true);
        return ReportAnswers.of(new UsageReports(session, realm).activeUsers(p.from(), p.to(), p.period()), p.csv(),
                "active-users-" + p.from() + "-" + p.to());
    }

    @GET
    @Path("totals")
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    public Response totals(@Context UriInfo uri, @Context HttpHeaders headers) {
        requireReporter();
        ReportParameters p = ReportParameters.read(uri.getQueryParameters(), headers, ReportParameters.TOTALS, true);
        return ReportAnswers.of(new UsageReports(session, realm).totals(p.from(), p.to(), p.groupBy(), null, p.order(),
                p.top()), p.csv(), "usage-totals-" + p.from() + "-" + p.to());
    }

    /** Applies the retention now (it also runs on a schedule): after lowering it, or to check it. */
    @POST
    @Path("purge")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> purge() {
        auth.realm().requireManageRealm();
        UsageStore.Purged purged = new UsageLifecycle(session).purge(realm);
        adminEvent.operation(OperationType.ACTION).resourcePath("usage", "purge")
                .detail("deleted_rows", Integer.toString(purged.rows())).success();
        return Map.of("deleted_rows", purged.rows(), "forgotten_batches", purged.batches());
    }

    private void requireReporter() {
        AdminAuth admin = auth.adminAuth();
        RoleModel reporter = realm.getRole(REPORTER_ROLE);
        boolean isReporter = admin.getRealm().getId().equals(realm.getId()) && reporter != null
                && admin.getUser().hasRole(reporter);
        if (!isReporter && !auth.realm().canViewRealm() && !auth.users().canView()) {
            throw ApiErrors.error(403, "forbidden",
                    "Usage reports need the realm role " + REPORTER_ROLE + ", or view-realm or view-users.");
        }
    }
}
