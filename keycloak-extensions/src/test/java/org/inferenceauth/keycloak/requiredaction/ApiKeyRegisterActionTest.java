package org.inferenceauth.keycloak.requiredaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ApiKeyRegisterActionTest {

    @Test
    @DisplayName("the chosen expiry day ends at its last second, UTC, as the account console's page sends it")
    void expiryIsEndOfDayUtc() {
        assertThat(ApiKeyRegisterAction.endOfDay("2027-03-31")).isEqualTo(Instant.parse("2027-03-31T23:59:59Z"));
    }

    @Test
    @DisplayName("no date means no requested expiry (the realm's default lifetime applies)")
    void emptyMeansNone() {
        assertThat(ApiKeyRegisterAction.endOfDay("")).isNull();
        assertThat(ApiKeyRegisterAction.endOfDay(null)).isNull();
    }

    @Test
    @DisplayName("anything but yyyy-mm-dd is refused")
    void malformedDateIsRefused() {
        assertThatThrownBy(() -> ApiKeyRegisterAction.endOfDay("31/03/2027")).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> ApiKeyRegisterAction.endOfDay("2027-02-30")).isInstanceOf(DateTimeParseException.class);
    }
}
