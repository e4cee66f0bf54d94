package org.inferenceauth.keycloak.resource.admin;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.inferenceauth.keycloak.keys.ApiKeyDirectory;
import org.inferenceauth.keycloak.keys.ApiKeyDirectory.OwnedKey;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.inferenceauth.keycloak.resource.ApiErrors;
import org.inferenceauth.keycloak.resource.KeyJson;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/api-keys}: every key of the realm for administrators. Keycloak has
 * authenticated the admin token and added CORS; we check {@code view-users} / {@code manage-users}.
 */
public final class ApiKeysAdminResource {

    static final int MAX_PAGE = 500;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    ApiKeysAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                         AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent.resource("PROJECT_API_KEY");
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> search(@QueryParam("user") String user, @QueryParam("project") String project,
                                      @QueryParam("keyId") String keyId, @QueryParam("name") String name,
                                      @QueryParam("first") @DefaultValue("0") String firstParam,
                                      @QueryParam("max") @DefaultValue("100") String maxParam) {
        auth.users().requireView();
        // Taken as text: JAX-RS answers 404 for a query parameter that is not a number.
        int first = pageParameter(firstParam);
        int max = pageParameter(maxParam);
        if (first < 0 || max < 1 || max > MAX_PAGE) {
            throw ApiErrors.error(400, "invalid_request", "first >= 0 and 1 <= max <= " + MAX_PAGE);
        }
        var query = new ApiKeyDirectory.Query(blankToNull(user), blankToNull(project), blankToNull(keyId), blankToNull(name));
        return Map.of("keys", new ApiKeyDirectory(session, realm).search(query, first, max).stream()
                .filter(owned -> auth.users().canView(owned.owner()))
                .map(ApiKeysAdminResource::json)
                .toList());
    }

    @DELETE
    @Path("{keyId}")
    public Response revoke(@PathParam("keyId") String keyId) {
        auth.users().requireQuery();
        OwnedKey key = new ApiKeyDirectory(session, realm).find(keyId).orElseThrow(NotFoundException::new);
        auth.users().requireManage(key.owner());
        new ApiKeyService(session, realm).revoke(key.owner(), keyId);
        adminEvent.operation(OperationType.ACTION).resourcePath("api-keys", keyId)
                .detail("key_id", keyId).detail("user_id", key.owner().getId()).success();
        return Response.noContent().build();
    }

    /** Restores index rows missing for existing key credentials; see {@link ApiKeyDirectory#reindex()}. */
    @POST
    @Path("reindex")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> reindex() {
        auth.users().requireManage();
        int added = new ApiKeyDirectory(session, realm).reindex();
        adminEvent.operation(OperationType.ACTION).resourcePath("api-keys", "reindex")
                .detail("added", Integer.toString(added)).success();
        return Map.of("added", added);
    }

    private static Map<String, Object> json(OwnedKey owned) {
        Map<String, Object> json = KeyJson.of(owned.key());
        json.put("userId", owned.owner().getId());
        json.put("username", owned.owner().getUsername());
        json.put("createdBy", owned.createdBy());
        json.put("active", owned.status().isActive());
        json.put("status", owned.status().code());
        return json;
    }

    private static int pageParameter(String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw ApiErrors.error(400, "invalid_request", "first and max must be whole numbers.");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
