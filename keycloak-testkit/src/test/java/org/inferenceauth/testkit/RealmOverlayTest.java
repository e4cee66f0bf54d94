package org.inferenceauth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A realm overlay's placeholders are filled from the server's environment")
class RealmOverlayTest {

    @TempDir
    Path dir;

    RealmOverlay overlay(String json, Map<String, String> env) throws IOException {
        Path file = dir.resolve("overlay.json");
        Files.writeString(file, json);
        return new RealmOverlay(file, env);
    }

    @Test
    @DisplayName("${VAR} and ${VAR:default} in any string value, nested or in arrays; values stay JSON-safe")
    void substitutes() throws IOException {
        ObjectNode read = overlay("""
                {"realm":"inference","clients":[{"secret":"${SECRET}","redirectUris":["${URL:http://localhost}/cb"]}]}
                """, Map.of("SECRET", "a\"quote")).read();

        assertThat(read.at("/clients/0/secret").asText()).isEqualTo("a\"quote");
        assertThat(read.at("/clients/0/redirectUris/0").asText()).isEqualTo("http://localhost/cb");
    }

    @Test
    @DisplayName("a placeholder without value or default fails, naming the variable")
    void missingVariable() throws IOException {
        RealmOverlay overlay = overlay("{\"realm\":\"r\",\"clients\":[{\"secret\":\"${NOPE}\"}]}", Map.of());
        assertThatThrownBy(overlay::read).isInstanceOf(IllegalStateException.class).hasMessageContaining("${NOPE}");
    }

    @Test
    @DisplayName("the shipped dev overlay names realm inference and needs only the test realm's environment")
    void shippedOverlay() {
        ObjectNode read = new RealmOverlay(Path.of("../realm-config/dev/inference-dev-overlay.json"),
                TestRealm.environment()).read();
        assertThat(read.path("realm").asText()).isEqualTo(TestRealm.REALM);
        assertThat(read.at("/clients/0/secret").asText()).isEqualTo(TestRealm.EXAMPLE_SERVICE_SECRET);
    }
}
