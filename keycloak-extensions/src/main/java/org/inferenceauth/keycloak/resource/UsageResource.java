package org.inferenceauth.keycloak.resource;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.inferenceauth.keycloak.keys.ApiKeyException;
import org.inferenceauth.keycloak.keys.ApiKeySettings;
import org.inferenceauth.keycloak.resource.UserAuth.Caller;
import org.inferenceauth.keycloak.usage.UsageAttribution;
import org.inferenceauth.keycloak.usage.UsageRecorder;
import org.inferenceauth.keycloak.usage.UsageReports;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.cors.Cors;

/**
 * {@code /realms/{realm}/usage}: gateways deliver usage batches, a person reads their own usage
 * ({@code docs/usage-contract.md}). Each method authenticates its caller first.
 */
public final class UsageResource {

    /** Larger bodies are refused with 413 before they are parsed. */
    static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    private final KeycloakSession session;
    private final RealmModel realm;

    UsageResource(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** All or nothing, at most once per {@code batch_id}; see {@link UsageRecorder}. */
    @POST
    @Path("batches")
    @Produces(MediaType.APPLICATION_JSON)
    public Response batches(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, InputStream body) {
        new GatewayAuth(session, realm).authenticate();
        if (!SelfServiceEndpoints.isJson(contentType)) {
            throw ApiErrors.error(415, ApiKeyException.INVALID_REQUEST, "Send the batch as application/json.");
        }
        UsageBatchParser.Batch batch = UsageBatchParser.parse(limited(body), Time.currentTime());
        UsageAttribution attribution = new UsageAttribution(session, realm);
        var rows = batch.entries().stream().map(e -> attribution.attribute(e.row(), e.userEmail())).toList();
        boolean stored = new UsageRecorder(session.getKeycloakSessionFactory())
                .recordBatch(realm.getId(), batch.batchId(), batch.source(), rows.size(), rows);
        return Response.ok(Map.of("accepted", stored ? rows.size() : 0, "duplicate", !stored))
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    /** The caller's own totals, as {@code /admin/realms/{r}/usage/totals} has them for everyone. */
    @GET
    @Path("me")
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    public Response me(@Context UriInfo uri, @Context HttpHeaders headers) {
        Caller caller = new UserAuth(session, realm, ApiKeySettings.of(realm)).authenticate();
        ReportParameters p = ReportParameters.read(uri.getQueryParameters(), headers, ReportParameters.TOTALS, false);
        return ReportAnswers.of(new UsageReports(session, realm).totals(p.from(), p.to(), p.groupBy(),
                caller.user().getId(), p.order(), p.top()), p.csv(), "usage-" + p.from() + "-" + p.to());
    }

    @OPTIONS
    @Path("{any:.*}")
    public Response preflight() {
        return Cors.builder().preflight().allowAllOrigins().allowedMethods("GET", "OPTIONS").auth().add(Response.ok());
    }

    private static byte[] limited(InputStream body) {
        try (InputStream in = body) {
            byte[] bytes = in == null ? new byte[0] : in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw ApiErrors.error(413, ApiKeyException.INVALID_REQUEST,
                        "A batch body is at most " + MAX_BODY_BYTES + " bytes; send smaller batches.");
            }
            return bytes;
        } catch (IOException e) {
            throw ApiErrors.error(400, ApiKeyException.INVALID_REQUEST, "The body could not be read.");
        }
    }
}
