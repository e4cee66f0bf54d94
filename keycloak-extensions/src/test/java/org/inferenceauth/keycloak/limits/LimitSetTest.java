package org.inferenceauth.keycloak.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.inferenceauth.keycloak.limits.LimitField.CONCURRENT_REQUESTS_PER_MODEL;
import static org.inferenceauth.keycloak.limits.LimitField.REQUESTS_PER_DAY;
import static org.inferenceauth.keycloak.limits.LimitField.REQUESTS_PER_MINUTE;
import static org.inferenceauth.keycloak.limits.LimitField.TOKENS_PER_DAY;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LimitSetTest {

    /** Parses {@code limits.*} from a plain map, collecting the names of invalid attributes. */
    static LimitSet parse(Map<String, String> attributes, List<String> invalid) {
        return LimitSet.fromAttributes("limits.", attributes::get, (attribute, value) -> invalid.add(attribute));
    }

    static LimitSet parse(Map<String, String> attributes) {
        return parse(attributes, new ArrayList<>());
    }

    @Nested
    @DisplayName("reading attributes")
    class Reading {

        @Test
        @DisplayName("positive integers and 'unlimited' (any case, surrounding blanks) are read; other attributes are not fields")
        void reads() {
            List<String> invalid = new ArrayList<>();
            LimitSet set = parse(Map.of("limits.requests_per_minute", " 30 ", "limits.tokens_per_day", "UNLIMITED",
                    "limits.tier", "standard", "other", "5"), invalid);
            assertThat(set.get(REQUESTS_PER_MINUTE)).hasValue(30);
            assertThat(set.isUnlimited(TOKENS_PER_DAY)).isTrue();
            assertThat(set.get(TOKENS_PER_DAY)).isEmpty();
            assertThat(set.isSet(REQUESTS_PER_DAY)).isFalse();
            assertThat(invalid).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-5", "1.5", "ten", "1e3", "+7", "99999999999999999999", "unlimitedx"})
        @DisplayName("anything else is ignored and reported with the attribute's name")
        void invalid(String value) {
            List<String> invalid = new ArrayList<>();
            LimitSet set = parse(Map.of("limits.requests_per_hour", value, "limits.requests_per_day", "1000"), invalid);
            assertThat(set.isSet(LimitField.REQUESTS_PER_HOUR)).isFalse();
            assertThat(set.get(REQUESTS_PER_DAY)).hasValue(1000);
            assertThat(invalid).containsExactly("limits.requests_per_hour");
        }

        @Test
        @DisplayName("blank values count as absent, without a report")
        void blank() {
            List<String> invalid = new ArrayList<>();
            assertThat(parse(Map.of("limits.requests_per_minute", "  "), invalid)).isEqualTo(LimitSet.EMPTY);
            assertThat(invalid).isEmpty();
        }

        @Test
        @DisplayName("numbers must be positive")
        void constructorChecks() {
            assertThatThrownBy(() -> LimitSet.of(Map.of(REQUESTS_PER_MINUTE, 0L)))
                    .hasMessageContaining("requests_per_minute");
        }
    }

    @Nested
    @DisplayName("JSON")
    class Json {

        @Test
        @DisplayName("snake_case names in the contract's order, numbers only: unlimited and absent fields are left out")
        void json() {
            LimitSet set = parse(Map.of("limits.max_n_per_request", "4", "limits.requests_per_minute", "30",
                    "limits.tokens_per_day", "unlimited", "limits.concurrent_requests_per_model", "2"));
            assertThat(set.toJson()).containsExactly(Map.entry("requests_per_minute", 30L),
                    Map.entry("concurrent_requests_per_model", 2L), Map.entry("max_n_per_request", 4L));
        }

        @Test
        @DisplayName("a set with only unlimited fields is empty (nothing to enforce)")
        void onlyUnlimited() {
            LimitSet set = new LimitSet(Map.of(), Set.of(REQUESTS_PER_MINUTE));
            assertThat(set.isEmpty()).isTrue();
            assertThat(set.toJson()).isEmpty();
        }
    }

    @Nested
    @DisplayName("combining levels")
    class Combining {

        @Test
        @DisplayName("orElse: a field set at the higher level wins, even when it is unlimited; others come from below")
        void orElse() {
            LimitSet high = new LimitSet(Map.of(REQUESTS_PER_MINUTE, 100L), Set.of(TOKENS_PER_DAY));
            LimitSet low = LimitSet.of(Map.of(REQUESTS_PER_MINUTE, 10L, TOKENS_PER_DAY, 5000L, REQUESTS_PER_DAY, 50L));
            LimitSet result = high.orElse(low);
            assertThat(result.toJson()).containsExactly(Map.entry("requests_per_minute", 100L),
                    Map.entry("requests_per_day", 50L));
            assertThat(result.isUnlimited(TOKENS_PER_DAY)).isTrue();
        }

        @Test
        @DisplayName("mostGenerous: the largest number per field, unlimited beats any number")
        void mostGenerous() {
            LimitSet a = LimitSet.of(Map.of(REQUESTS_PER_MINUTE, 30L, TOKENS_PER_DAY, 1000L));
            LimitSet b = new LimitSet(Map.of(REQUESTS_PER_MINUTE, 60L, CONCURRENT_REQUESTS_PER_MODEL, 2L), Set.of(TOKENS_PER_DAY));
            LimitSet result = LimitSet.mostGenerous(List.of(a, b));
            assertThat(result.get(REQUESTS_PER_MINUTE)).hasValue(60);
            assertThat(result.get(CONCURRENT_REQUESTS_PER_MODEL)).hasValue(2);
            assertThat(result.isUnlimited(TOKENS_PER_DAY)).isTrue();
            assertThat(LimitSet.mostGenerous(List.of())).isEqualTo(LimitSet.EMPTY);
        }

        @Test
        @DisplayName("the set copies its inputs")
        void immutable() {
            Map<LimitField, Long> numbers = new HashMap<>(Map.of(REQUESTS_PER_MINUTE, 5L));
            LimitSet set = LimitSet.of(numbers);
            numbers.put(REQUESTS_PER_DAY, 9L);
            assertThat(set.isSet(REQUESTS_PER_DAY)).isFalse();
        }
    }

    @Test
    @DisplayName("field keys are the contract's names")
    void keys() {
        assertThat(LimitField.byKey("tokens_per_minute")).hasValue(LimitField.TOKENS_PER_MINUTE);
        assertThat(LimitField.byKey("max_tokens_per_request")).hasValue(LimitField.MAX_TOKENS_PER_REQUEST);
        assertThat(LimitField.byKey("rpm")).isEmpty();
        assertThat(LimitField.values()).extracting(LimitField::key).containsExactly("requests_per_minute",
                "requests_per_hour", "requests_per_day", "requests_per_month", "tokens_per_minute", "tokens_per_day",
                "tokens_per_month", "concurrent_requests_per_model", "max_tokens_per_request", "max_n_per_request");
    }
}
