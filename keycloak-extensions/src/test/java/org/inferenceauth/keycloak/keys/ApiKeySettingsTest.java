package org.inferenceauth.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.inferenceauth.keycloak.FakeRealms;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

class ApiKeySettingsTest {

    static RealmModel realm(Map<String, String> attributes) {
        return FakeRealms.withAttributes(attributes);
    }

    @Test
    @DisplayName("without attributes: the documented defaults")
    void defaults() {
        ApiKeySettings settings = ApiKeySettings.of(realm(Map.of()));
        assertThat(settings).isEqualTo(new ApiKeySettings("ik", 25, 365, false, "/projects", 600,
                List.of("account-console", "open-webui"), 7 * 24 * 3600, "inference-user"));
    }

    @Test
    @DisplayName("attributes prefixed inference.apikey. override them")
    void overrides() {
        ApiKeySettings settings = ApiKeySettings.of(realm(Map.of(
                "inference.apikey.prefix", "sk",
                "inference.apikey.maxKeys", "3",
                "inference.apikey.maxLifetimeDays", "0",
                "inference.apikey.expiryRequired", "TRUE",
                "inference.apikey.projectsGroup", "/teams",
                "inference.apikey.mintMaxAuthAgeSeconds", "120",
                "inference.apikey.selfServiceClients", " portal , cli ",
                "inference.apikey.revocationRetentionSeconds", "86400",
                "inference.apikey.requiredRole", "campus-users")));
        assertThat(settings).isEqualTo(new ApiKeySettings("sk", 3, 0, true, "/teams", 120, List.of("portal", "cli"), 86400,
                "campus-users"));
        assertThat(settings.format().prefix()).isEqualTo("sk");
    }

    @Test
    @DisplayName("invalid values fall back to the defaults")
    void invalidValues() {
        ApiKeySettings settings = ApiKeySettings.of(realm(Map.of(
                "inference.apikey.prefix", "Not_A_Prefix",
                "inference.apikey.maxKeys", "0",
                "inference.apikey.maxLifetimeDays", "-1",
                "inference.apikey.expiryRequired", "yes",
                "inference.apikey.projectsGroup", "projects",
                "inference.apikey.mintMaxAuthAgeSeconds", "ten",
                "inference.apikey.selfServiceClients", " , ",
                "inference.apikey.revocationRetentionSeconds", "5",
                "inference.apikey.requiredRole", "  ")));
        assertThat(settings).isEqualTo(ApiKeySettings.of(realm(Map.of())));
    }

    /** A client that only answers the three questions the exchange rule asks. */
    static ClientModel client(boolean publicClient, boolean bearerOnly, String exchangeEnabled) {
        return (ClientModel) Proxy.newProxyInstance(ClientModel.class.getClassLoader(), new Class<?>[] {ClientModel.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isPublicClient" -> publicClient;
                    case "isBearerOnly" -> bearerOnly;
                    case "getAttribute" -> ApiKeySettings.EXCHANGE_CLIENT_ATTRIBUTE.equals(args[0]) ? exchangeEnabled : null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    @DisplayName("only a confidential client with inference.apikey.exchangeEnabled=true may exchange keys for tokens")
    void exchangeNeedsAnEnabledConfidentialClient() {
        assertThat(ApiKeySettings.mayExchangeKeys(client(false, false, "true"))).isTrue();
        assertThat(ApiKeySettings.mayExchangeKeys(client(false, false, null))).as("not enabled").isFalse();
        assertThat(ApiKeySettings.mayExchangeKeys(client(false, false, "yes"))).as("not 'true'").isFalse();
        assertThat(ApiKeySettings.mayExchangeKeys(client(true, false, "true"))).as("public (admin-cli)").isFalse();
        assertThat(ApiKeySettings.mayExchangeKeys(client(false, true, "true"))).as("bearer-only").isFalse();
    }
}
