package org.inferenceauth.testkit;

import java.util.Map;

/**
 * Names and test-only secrets of the shipped realm import ({@code realm-config/inference-realm.json})
 * and of its dev/test overlay ({@code realm-config/dev/inference-dev-overlay.json}, applied by
 * {@link RealmOverlay}). Both read secrets and redirect URIs from the environment; these are the
 * values the test harness supplies.
 */
public final class TestRealm {

    public static final String REALM = "inference";

    public static final String WEB_UI_CLIENT = "open-webui";
    public static final String WEB_UI_SECRET = "test-open-webui-secret";
    public static final String WEB_UI_REDIRECT_URI = "http://localhost:3000/oauth/oidc/callback";

    public static final String GATEWAY_CLIENT = "inference-gateway";
    public static final String GATEWAY_SECRET = "test-inference-gateway-secret";

    /** From the dev overlay, not the production realm: client credentials, enabled for the key exchange. */
    public static final String EXAMPLE_SERVICE_CLIENT = "example-service";
    public static final String EXAMPLE_SERVICE_SECRET = "test-example-service-secret";

    public static final String ACCOUNT_CONSOLE_CLIENT = "account-console";

    /** The realm role a user needs to use the inference API (a default role of the realm). */
    public static final String INFERENCE_USER_ROLE = "inference-user";

    /** The inference API (gateway) URL the key dialogs show in usage examples under test (realm setting). */
    public static final String INFERENCE_API_BASE_URL = "http://localhost:8000/v1";

    /** The login theme's branding under test (theme properties from the environment). */
    public static final String BRAND_SERVICE_NAME = "Inference at Example University";
    public static final String BRAND_HELP_URL = "https://help.example.edu/inference";

    private TestRealm() {}

    /** The environment that fills the realm import's {@code ${VAR}} placeholders under test. */
    public static Map<String, String> environment() {
        return Map.of(
                "OPEN_WEBUI_CLIENT_SECRET", WEB_UI_SECRET,
                "OPEN_WEBUI_REDIRECT_URI", WEB_UI_REDIRECT_URI,
                "OPEN_WEBUI_URL", "http://localhost:3000",
                "INFERENCE_GATEWAY_CLIENT_SECRET", GATEWAY_SECRET,
                "EXAMPLE_SERVICE_CLIENT_SECRET", EXAMPLE_SERVICE_SECRET,
                // The realm import's inference.apikey.apiBaseUrl: the key dialogs' usage examples.
                "INFERENCE_API_BASE_URL", INFERENCE_API_BASE_URL,
                "INFERENCE_BRAND_SERVICE_NAME", BRAND_SERVICE_NAME,
                "INFERENCE_BRAND_HELP_URL", BRAND_HELP_URL);
    }
}
