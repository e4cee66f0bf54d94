package org.inferenceauth.keycloak.requiredaction;

import jakarta.ws.rs.core.MultivaluedMap;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inferenceauth.keycloak.credential.ApiKeyCredentialModel;
import org.inferenceauth.keycloak.keys.ApiBaseUrl;
import org.inferenceauth.keycloak.keys.ApiKeyException;
import org.inferenceauth.keycloak.keys.ApiKeyService;
import org.inferenceauth.keycloak.keys.ApiKeySettings;
import org.inferenceauth.keycloak.keys.MintRequest;
import org.inferenceauth.keycloak.keys.MintedKey;
import org.inferenceauth.keycloak.keys.ProjectOption;
import org.keycloak.authentication.CredentialRegistrator;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.events.Details;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Mints a project API key through Keycloak's own login flow, so any client can send a user here
 * with {@code kc_action=project-api-key-register} (and the account console's "Set up" button).
 *
 * <p>Two pages, shipped in this jar and shown inside whatever login theme the realm uses:
 * {@value #REGISTER_PAGE} asks for name, project and expiry; {@value #CREATED_PAGE} shows the key
 * once, then "continue" returns to the client. The key exists only in that one response: the authentication session remembers the
 * key <em>id</em> of what it minted, so a reload or a second submit never mints again nor shows
 * the key again.
 */
final class ApiKeyRegisterAction implements RequiredActionProvider, CredentialRegistrator {

    /** Templates and messages ship in this jar ({@code theme-resources/}), prefixed, so any login theme works. */
    static final String REGISTER_PAGE = "inference-api-key-register.ftl";
    static final String CREATED_PAGE = "inference-api-key-created.ftl";
    /** Auth note: id of the key minted in this authentication session (never the key itself). */
    static final String MINTED_KEY_ID = "inference.apikey.minted-key-id";
    static final String MINTED_KEY_NAME = "inference.apikey.minted-key-name";
    static final String MINTED_KEY_PROJECT = "inference.apikey.minted-key-project";

    static final String FIELD_NAME = "name";
    static final String FIELD_PROJECT = "project";
    static final String FIELD_EXPIRES_ON = "expiresOn";

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public String getCredentialType(KeycloakSession session, AuthenticationSessionModel authSession) {
        return ApiKeyCredentialModel.TYPE;
    }

    /** Minting needs a login as recent as the self-service REST API wants it (realm setting). */
    @Override
    public int getMaxAuthAge(KeycloakSession session) {
        RealmModel realm = session == null ? null : session.getContext().getRealm();
        return realm == null ? RequiredActionProvider.super.getMaxAuthAge(session)
                : ApiKeySettings.of(realm).mintMaxAuthAge();
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        // Never added on its own: a user asks for it (kc_action) or an admin assigns it.
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        if (authSession.getAuthNote(MINTED_KEY_ID) != null) {
            context.challenge(alreadyShown(context));
            return;
        }
        ApiKeyService keys = new ApiKeyService(context.getSession(), context.getRealm());
        context.challenge(registerForm(context, keys, Map.of(), List.of()));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String mintedKeyId = authSession.getAuthNote(MINTED_KEY_ID);

        if (form.containsKey("done") && mintedKeyId != null) {
            authSession.removeAuthNote(MINTED_KEY_ID);
            authSession.removeAuthNote(MINTED_KEY_NAME);
            authSession.removeAuthNote(MINTED_KEY_PROJECT);
            context.success();
            return;
        }
        if (mintedKeyId != null) {
            // A second submit (back button, reload): the key was shown already; never mint twice.
            context.challenge(alreadyShown(context));
            return;
        }

        ApiKeyService keys = new ApiKeyService(context.getSession(), context.getRealm());
        Map<String, String> values = Map.of(
                FIELD_NAME, trimmed(form.getFirst(FIELD_NAME)),
                FIELD_PROJECT, trimmed(form.getFirst(FIELD_PROJECT)),
                FIELD_EXPIRES_ON, trimmed(form.getFirst(FIELD_EXPIRES_ON)));

        UserModel user = context.getUser();
        if (!ApiKeySettings.mayMint(context.getRealm(), user)) {
            context.challenge(registerForm(context, keys, values, List.of(new FormMessage(null, "inferenceApiKeyNotAllowed"))));
            return;
        }
        if (values.get(FIELD_NAME).isEmpty()) {
            context.challenge(registerForm(context, keys, values,
                    List.of(new FormMessage(FIELD_NAME, "inferenceApiKeyNameMissing"))));
            return;
        }
        Instant expiresAt;
        try {
            expiresAt = endOfDay(values.get(FIELD_EXPIRES_ON));
        } catch (DateTimeParseException e) {
            context.challenge(registerForm(context, keys, values,
                    List.of(new FormMessage(FIELD_EXPIRES_ON, "inferenceApiKeyExpiryInvalid"))));
            return;
        }

        MintedKey minted;
        try {
            minted = keys.mint(user, new MintRequest(values.get(FIELD_NAME), values.get(FIELD_PROJECT), expiresAt,
                    null, authSession.getClient().getClientId()));
        } catch (ApiKeyException refused) {
            context.challenge(registerForm(context, keys, values, List.of(refusal(refused))));
            return;
        }

        String projectName = projectName(keys, user, minted.view().project());
        authSession.setAuthNote(MINTED_KEY_ID, minted.view().keyId());
        authSession.setAuthNote(MINTED_KEY_NAME, minted.view().name());
        authSession.setAuthNote(MINTED_KEY_PROJECT, projectName);
        context.getEvent()
                .detail(Details.CREDENTIAL_TYPE, ApiKeyCredentialModel.TYPE)
                .detail("api_key_id", minted.view().keyId());

        Map<String, Object> created = new LinkedHashMap<>();
        created.put("key", minted.key()); // rendered into this one response only
        created.put("keyId", minted.view().keyId());
        created.put("name", minted.view().name());
        created.put("projectName", projectName);
        ApiBaseUrl apiBaseUrl = keys.apiBaseUrl(); // the usage examples' URL, as the account console gets it
        created.put("apiBaseUrl", apiBaseUrl.url());
        created.put("apiBaseUrlProblem", apiBaseUrl.problem());
        context.challenge(context.form().setAttribute("apiKeyCreated", created).createForm(CREATED_PAGE));
    }

    private static jakarta.ws.rs.core.Response alreadyShown(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("keyId", authSession.getAuthNote(MINTED_KEY_ID));
        created.put("name", authSession.getAuthNote(MINTED_KEY_NAME));
        created.put("projectName", authSession.getAuthNote(MINTED_KEY_PROJECT));
        return context.form().setAttribute("apiKeyCreated", created).createForm(CREATED_PAGE);
    }

    private static jakarta.ws.rs.core.Response registerForm(RequiredActionContext context, ApiKeyService keys,
                                                             Map<String, String> values, List<FormMessage> errors) {
        ApiKeySettings settings = keys.settings();
        List<Map<String, String>> projects = keys.projectsOf(context.getUser()).stream()
                .map(p -> Map.of("id", p.id(), "name", p.name()))
                .toList();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Map<String, Object> bean = new LinkedHashMap<>();
        bean.put("name", values.getOrDefault(FIELD_NAME, ""));
        bean.put("project", values.getOrDefault(FIELD_PROJECT, ProjectOption.PERSONAL));
        bean.put("expiresOn", values.getOrDefault(FIELD_EXPIRES_ON, ""));
        bean.put("projects", projects);
        bean.put("expiryRequired", settings.expiryRequired());
        bean.put("maxLifetimeDays", settings.maxLifetimeDays());
        bean.put("minDate", today.plusDays(1).toString());
        bean.put("maxDate", settings.maxLifetimeDays() > 0 ? today.plusDays(settings.maxLifetimeDays()).toString() : "");

        LoginFormsProvider form = context.form().setAttribute("apiKeyForm", bean);
        if (!errors.isEmpty()) {
            form.setErrors(errors);
        }
        return form.createForm(REGISTER_PAGE);
    }

    /** The server's refusal, on the field it concerns when there is one; its text is fit for the user. */
    private static FormMessage refusal(ApiKeyException refused) {
        String field = switch (refused.error()) {
            case ApiKeyException.NAME_TAKEN -> FIELD_NAME;
            case ApiKeyException.PROJECT_NOT_ALLOWED -> FIELD_PROJECT;
            default -> null;
        };
        return new FormMessage(field, refused.getMessage());
    }

    private static String projectName(ApiKeyService keys, UserModel user, String projectId) {
        return keys.projectsOf(user).stream()
                .filter(p -> p.id().equals(projectId))
                .map(ProjectOption::name)
                .findFirst()
                .orElse(projectId);
    }

    /** The last second of the chosen day in UTC, as the account console's page sends it; null when empty. */
    static Instant endOfDay(String isoDate) {
        if (isoDate == null || isoDate.isEmpty()) {
            return null;
        }
        return LocalDate.parse(isoDate).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1);
    }

    private static String trimmed(String value) {
        return value == null ? "" : value.strip();
    }

    @Override
    public void close() {
        // stateless
    }
}
