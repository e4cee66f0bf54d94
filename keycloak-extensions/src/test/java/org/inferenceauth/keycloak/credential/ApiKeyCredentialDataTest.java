package org.inferenceauth.keycloak.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.inferenceauth.keycloak.limits.LimitField;
import org.inferenceauth.keycloak.limits.LimitSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.util.JsonSerialization;

class ApiKeyCredentialDataTest {

    @Test
    @DisplayName("a key stored before caps existed reads as a key without caps")
    void oldData() throws Exception {
        ApiKeyCredentialData data = JsonSerialization.readValue(
                "{\"keyId\":\"abcdefABCDEF\",\"project\":\"personal\",\"scopes\":[],\"createdBy\":\"account-console\"}",
                ApiKeyCredentialData.class);
        assertThat(data.limits()).isNull();
        assertThat(LimitSet.fromNumbers(data.limits())).isEqualTo(LimitSet.EMPTY);
    }

    @Test
    @DisplayName("caps are stored by field name and read back; a key without caps writes no limits member")
    void roundTrip() throws Exception {
        LimitSet caps = LimitSet.of(Map.of(LimitField.REQUESTS_PER_MINUTE, 3L, LimitField.TOKENS_PER_DAY, 1000L));
        ApiKeyCredentialData data = new ApiKeyCredentialData("abcdefABCDEF", "personal", List.of(), null, "cli",
                caps.numbersByKey());
        String json = JsonSerialization.writeValueAsString(data);
        assertThat(json).contains("\"limits\":{").contains("\"requests_per_minute\":3");
        ApiKeyCredentialData read = JsonSerialization.readValue(json, ApiKeyCredentialData.class);
        assertThat(LimitSet.fromNumbers(read.limits())).isEqualTo(caps);

        String without = JsonSerialization.writeValueAsString(
                new ApiKeyCredentialData("abcdefABCDEF", "personal", List.of(), null, "cli", Map.of()));
        assertThat(without).doesNotContain("limits");
    }

    @Test
    @DisplayName("numbers a later version stored under names this one does not know are skipped, not fatal")
    void unknownNames() {
        assertThat(LimitSet.fromNumbers(Map.of("requests_per_fortnight", 5L, "requests_per_minute", 7L)).toJson())
                .containsExactly(Map.entry("requests_per_minute", 7L));
    }
}
