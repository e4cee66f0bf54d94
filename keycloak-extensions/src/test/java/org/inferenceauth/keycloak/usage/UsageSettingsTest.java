package org.inferenceauth.keycloak.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.inferenceauth.keycloak.FakeRealms;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class UsageSettingsTest {

    @Test
    @DisplayName("defaults: the web UI is open-webui, 400 days are kept")
    void defaults() {
        assertThat(UsageSettings.of(FakeRealms.withAttributes(Map.of()))).isEqualTo(new UsageSettings(List.of("open-webui"), 400));
    }

    @Test
    @DisplayName("attributes prefixed inference.usage. override them; invalid values fall back")
    void overrides() {
        assertThat(UsageSettings.of(FakeRealms.withAttributes(Map.of("inference.usage.webUiClients", " chat , portal ",
                "inference.usage.retentionDays", "30")))).isEqualTo(new UsageSettings(List.of("chat", "portal"), 30));
        assertThat(UsageSettings.of(FakeRealms.withAttributes(Map.of("inference.usage.webUiClients", " , ",
                "inference.usage.retentionDays", "0")))).isEqualTo(new UsageSettings(List.of("open-webui"), 400));
    }
}
