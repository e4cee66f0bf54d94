package org.inferenceauth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.inferenceauth.keycloak.broker.BrokerSettings;
import org.inferenceauth.keycloak.keys.ApiBaseUrl;
import org.inferenceauth.keycloak.keys.ApiKeySettings;
import org.inferenceauth.keycloak.limits.LimitField;
import org.inferenceauth.keycloak.limits.LimitResolver;
import org.inferenceauth.keycloak.limits.LimitSettings;
import org.inferenceauth.keycloak.usage.UsageSettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

/**
 * docs/configuration.md lists every attribute the extension reads. The realm attributes are
 * recorded from the settings classes themselves (each the one reader of its prefix), the client
 * and limit attributes from their constants; the realm import's placeholders from the realm file.
 */
class RealmAttributesDocTest {

    private static final Path DOC = Path.of("../docs/configuration.md");
    private static final Path REALM = Path.of("../realm-config/inference-realm.json");
    /** The login theme reads realm attributes too (FreeMarker, no Java to record). */
    private static final Path LOGIN_THEME = Path.of("../themes/src/main/resources/theme/inference/login");
    private static final Pattern DOC_ATTRIBUTE = Pattern.compile("`((?:inference|limits)\\.[A-Za-z.<>_]+)`");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::[^}]*)?}");

    /** Every realm attribute the settings classes ask for, limit fields written as {@code <field>}. */
    static Set<String> realmAttributesRead() {
        Set<String> asked = new TreeSet<>();
        RealmModel realm = (RealmModel) Proxy.newProxyInstance(RealmModel.class.getClassLoader(),
                new Class<?>[] {RealmModel.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getAttribute" -> {
                        asked.add(generic((String) args[0]));
                        yield null;
                    }
                    case "getName" -> "test";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        ApiKeySettings.of(realm);
        ApiBaseUrl.of(realm);
        UsageSettings.of(realm);
        LimitSettings.of(realm);
        BrokerSettings.of(realm);
        return asked;
    }

    static String clientAttributeRead() {
        Set<String> asked = new TreeSet<>();
        ClientModel client = (ClientModel) Proxy.newProxyInstance(ClientModel.class.getClassLoader(),
                new Class<?>[] {ClientModel.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getAttribute" -> {
                        asked.add((String) args[0]);
                        yield null;
                    }
                    case "isPublicClient", "isBearerOnly" -> false;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        ApiKeySettings.mayExchangeKeys(client);
        assertThat(asked).hasSize(1);
        return asked.iterator().next();
    }

    /** {@code inference.limits.user.requests_per_minute} → {@code inference.limits.user.<field>}. */
    private static String generic(String attribute) {
        for (LimitField field : LimitField.values()) {
            if (attribute.endsWith("." + field.key())) {
                return attribute.substring(0, attribute.length() - field.key().length()) + "<field>";
            }
        }
        return attribute;
    }

    static Set<String> documented(Pattern pattern) throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = pattern.matcher(Files.readString(DOC));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    @DisplayName("every realm and client attribute the extension reads is in docs/configuration.md")
    void everyAttributeReadIsDocumented() throws IOException {
        Set<String> read = realmAttributesRead();
        assertThat(read).contains("inference.apikey.requiredRole", "inference.limits.user.<field>",
                "inference.broker.allowedIdps", "inference.usage.retentionDays");
        read.add(clientAttributeRead());
        read.add(LimitResolver.ATTRIBUTE_PREFIX + "<field>");
        read.add(LimitResolver.TIER_ATTRIBUTE);
        Set<String> undocumented = new TreeSet<>(read);
        undocumented.removeAll(documented(DOC_ATTRIBUTE));
        assertThat(undocumented).as("attributes read but missing from %s", DOC).isEmpty();
    }

    @Test
    @DisplayName("docs/configuration.md names no attribute that neither the extension nor the login theme reads")
    void everyDocumentedAttributeIsRead() throws IOException {
        Set<String> read = realmAttributesRead();
        read.add(clientAttributeRead());
        read.add(LimitResolver.ATTRIBUTE_PREFIX + "<field>");
        read.add(LimitResolver.TIER_ATTRIBUTE);
        String theme;
        try (Stream<Path> files = Files.walk(LOGIN_THEME)) {
            StringBuilder all = new StringBuilder();
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                all.append(Files.readString(file));
            }
            theme = all.toString();
        }
        Set<String> unknown = new TreeSet<>();
        for (String name : documented(DOC_ATTRIBUTE)) {
            if (!read.contains(name) && !theme.contains('"' + name + '"')) {
                unknown.add(name);
            }
        }
        assertThat(unknown).as("attributes in %s that nothing reads", DOC).isEmpty();
    }

    @Test
    @DisplayName("every ${VAR} of the realm import is in docs/configuration.md")
    void everyPlaceholderIsDocumented() throws IOException {
        Set<String> placeholders = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(Files.readString(REALM));
        while (m.find()) {
            placeholders.add(m.group(1));
        }
        assertThat(placeholders).contains("INFERENCE_GATEWAY_CLIENT_SECRET", "CILOGON_CLIENT_ID");
        placeholders.removeAll(documented(Pattern.compile("`([A-Z][A-Z0-9_]*)`")));
        assertThat(placeholders).as("placeholders of %s missing from %s", REALM, DOC).isEmpty();
    }
}
