package org.inferenceauth.gateway.auth.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.inferenceauth.gateway.auth.Identity;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Reading Keycloak's introspection answer")
class IntrospectionTest {

    static JsonObject active() {
        return new JsonObject().put("active", true).put("sub", "s-1").put("username", "ann").put("key_id", "k1")
                .put("project", "personal").put("scope", "model:a  inference").put("iat", 1_700_000_000L);
    }

    static Identity identity(JsonObject answer) {
        return ((Introspection.Active) Introspection.fromJson(answer)).identity();
    }

    @Test
    @DisplayName("exp and iat are epoch seconds; a key without exp never expires")
    void times() {
        assertThat(identity(active().put("exp", 1_900_000_000L)).expiresAt()).isEqualTo(Instant.ofEpochSecond(1_900_000_000L));
        assertThat(identity(active()).expiresAt()).isNull();
        assertThat(identity(active()).issuedAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(identity(active()).allowedModels()).containsExactly("a");
    }

    @ParameterizedTest(name = "exp {0} -> {1}")
    @CsvSource({"253402300799, 9999-12-31T23:59:59Z", "9223372036854775807, MAX", "1e300, MAX", "-1e300, MIN"})
    @DisplayName("an exp beyond what an Instant holds is clamped, never wrapped round or thrown")
    void outOfRange(String exp, String expected) {
        Instant parsed = identity(new JsonObject(active().encode().replace("}", ",\"exp\":" + exp + "}"))).expiresAt();

        assertThat(parsed).isEqualTo(switch (expected) {
            case "MAX" -> Instant.MAX;
            case "MIN" -> Instant.MIN;
            default -> Instant.parse(expected);
        });
    }

    @Test
    @DisplayName("anything but active:true is inactive, also a malformed 'active'")
    void inactive() {
        assertThat(Introspection.fromJson(new JsonObject().put("active", false))).isInstanceOf(Introspection.Inactive.class);
        assertThat(Introspection.fromJson(new JsonObject().put("active", "true"))).isInstanceOf(Introspection.Inactive.class);
    }
}
