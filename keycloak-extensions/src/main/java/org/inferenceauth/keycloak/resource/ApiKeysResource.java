package org.inferenceauth.keycloak.resource;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.cors.Cors;

/**
 * {@code /realms/{realm}/api-keys}: the owner's self-service API and the gateways' API, as described
 * in {@code docs/api-keys-contract.md}. Each method authenticates its caller first.
 */
public final class ApiKeysResource {

    private final KeycloakSession session;
    private final SelfServiceEndpoints selfService;
    private final LimitsEndpoint limits;
    private final GatewayEndpoints gateway;

    ApiKeysResource(KeycloakSession session, RealmModel realm) {
        this.session = session;
        ApiKeyService keys = new ApiKeyService(session, realm);
        UserAuth auth = new UserAuth(session, realm, keys.settings());
        this.selfService = new SelfServiceEndpoints(keys, auth, new KeyEvents(session, realm));
        this.limits = new LimitsEndpoint(session, realm, keys, auth);
        this.gateway = new GatewayEndpoints(session, realm, keys);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        return selfService.list();
    }

    @GET
    @Path("projects")
    @Produces(MediaType.APPLICATION_JSON)
    public Response projects() {
        return selfService.projects();
    }

    @GET
    @Path("limits")
    @Produces(MediaType.APPLICATION_JSON)
    public Response limits() {
        return limits.limits();
    }

    /** Any content type is routed here, and the body read as bytes, so that bad input gets a JSON error. */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
        return selfService.create(contentType, body);
    }

    @DELETE
    @Path("{keyId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response revoke(@PathParam("keyId") String keyId) {
        return selfService.revoke(keyId);
    }

    /** Form parameters are read from Keycloak's request, which client authentication also reads. */
    @POST
    @Path("introspect")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response introspect() {
        return DatabaseFailures.unavailableOnFailure(session, gateway::introspect);
    }

    @GET
    @Path("revocations")
    @Produces(MediaType.APPLICATION_JSON)
    public Response revocations(@QueryParam("since") String since) {
        return DatabaseFailures.unavailableOnFailure(session, () -> gateway.revocations(since));
    }

    @POST
    @Path("revocations/check")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response check(byte[] body) {
        return DatabaseFailures.unavailableOnFailure(session, () -> gateway.check(body));
    }

    /** CORS preflight; the real request is then checked against the token's allowed origins. */
    @OPTIONS
    @Path("{any:.*}")
    public Response preflight() {
        return Cors.builder().preflight().allowAllOrigins().allowedMethods("GET", "POST", "DELETE", "OPTIONS")
                .auth().add(Response.ok());
    }
}
