package org.inferenceauth.keycloak.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.inferenceauth.keycloak.limits.LimitSetTest.parse;

import java.util.List;
import java.util.Map;
import org.inferenceauth.keycloak.FakeRealms;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LimitResolutionTest {

    static final LimitSet REALM_USER = parse(Map.of("limits.requests_per_minute", "10", "limits.requests_per_day", "100",
            "limits.tokens_per_day", "5000"));
    static final LimitSet STANDARD = parse(Map.of("limits.requests_per_minute", "30", "limits.requests_per_hour", "200"));
    static final LimitSet PREMIUM = parse(Map.of("limits.requests_per_minute", "120", "limits.requests_per_hour", "100",
            "limits.tokens_per_day", "unlimited"));

    @Nested
    @DisplayName("a person")
    class Person {

        @Test
        @DisplayName("without attribute or tier gets the realm's user default")
        void realmDefault() {
            assertThat(LimitResolution.person(LimitSet.EMPTY, List.of(), REALM_USER)).isEqualTo(REALM_USER);
        }

        @Test
        @DisplayName("in a tier gets the tier's fields, the realm default for the others")
        void tier() {
            assertThat(LimitResolution.person(LimitSet.EMPTY, List.of(STANDARD), REALM_USER).toJson())
                    .containsExactly(Map.entry("requests_per_minute", 30L), Map.entry("requests_per_hour", 200L),
                            Map.entry("requests_per_day", 100L), Map.entry("tokens_per_day", 5000L));
        }

        @Test
        @DisplayName("in several tiers gets per field the most generous; a tier's unlimited beats the realm default")
        void severalTiers() {
            LimitSet resolved = LimitResolution.person(LimitSet.EMPTY, List.of(STANDARD, PREMIUM), REALM_USER);
            assertThat(resolved.toJson()).containsExactly(Map.entry("requests_per_minute", 120L),
                    Map.entry("requests_per_hour", 200L), Map.entry("requests_per_day", 100L));
            assertThat(resolved.isUnlimited(LimitField.TOKENS_PER_DAY)).isTrue();
        }

        @Test
        @DisplayName("with a user attribute gets it over tier and realm, also when lower, and 'unlimited' lifts a limit")
        void userAttribute() {
            LimitSet own = parse(Map.of("limits.requests_per_minute", "5", "limits.requests_per_day", "unlimited"));
            assertThat(LimitResolution.person(own, List.of(PREMIUM), REALM_USER).toJson())
                    .containsExactly(Map.entry("requests_per_minute", 5L), Map.entry("requests_per_hour", 100L));
        }
    }

    @Nested
    @DisplayName("a project")
    class Project {

        static final LimitSet REALM_PROJECT = parse(Map.of("limits.tokens_per_month", "1000000", "limits.requests_per_day", "5000"));

        @Test
        @DisplayName("without attribute or tier gets the realm's project default")
        void realmDefault() {
            assertThat(LimitResolution.project(LimitSet.EMPTY, LimitSet.EMPTY, REALM_PROJECT)).isEqualTo(REALM_PROJECT);
        }

        @Test
        @DisplayName("the project's attribute beats its tier, which beats the realm default")
        void order() {
            LimitSet own = parse(Map.of("limits.requests_per_minute", "60", "limits.tokens_per_month", "unlimited"));
            LimitSet resolved = LimitResolution.project(own, STANDARD, REALM_PROJECT);
            assertThat(resolved.toJson()).containsExactly(Map.entry("requests_per_minute", 60L),
                    Map.entry("requests_per_hour", 200L), Map.entry("requests_per_day", 5000L));
        }
    }

    @Test
    @DisplayName("realm settings: tiers under /tiers, no defaults, no client scope unless inference.limits.* say otherwise")
    void settings() {
        LimitSettings defaults = LimitSettings.of(FakeRealms.withAttributes(Map.of()));
        assertThat(defaults).isEqualTo(new LimitSettings("/tiers", LimitSet.EMPTY, LimitSet.EMPTY, false));

        LimitSettings set = LimitSettings.of(FakeRealms.withAttributes(Map.of("inference.limits.tiersGroup", "/levels",
                "inference.limits.user.requests_per_minute", "20", "inference.limits.user.requests_per_day", "nope",
                "inference.limits.project.tokens_per_day", "unlimited", "inference.limits.clientScope", "TRUE")));
        assertThat(set.tiersGroup()).isEqualTo("/levels");
        assertThat(set.clientScope()).isTrue();
        assertThat(set.userDefaults().toJson()).containsExactly(Map.entry("requests_per_minute", 20L));
        assertThat(set.projectDefaults().isUnlimited(LimitField.TOKENS_PER_DAY)).isTrue();

        assertThat(LimitSettings.of(FakeRealms.withAttributes(Map.of("inference.limits.tiersGroup", "tiers"))).tiersGroup())
                .isEqualTo("/tiers");
    }

    @Test
    @DisplayName("delivery: user and default_user always present, project and key only when they limit something")
    void delivered() {
        LimitSet caps = parse(Map.of("limits.requests_per_minute", "3"));
        assertThat(new DeliveredLimits(LimitSet.EMPTY, LimitSet.EMPTY, LimitSet.EMPTY, LimitSet.EMPTY).toJson())
                .containsExactly(Map.entry("user", Map.of()), Map.entry("default_user", Map.of()));
        assertThat(new DeliveredLimits(STANDARD, PREMIUM, caps, REALM_USER).toJson()).containsOnlyKeys("user", "project",
                "key", "default_user");
        assertThat(new DeliveredLimits(STANDARD, PREMIUM, caps, REALM_USER).toJson().get("key"))
                .isEqualTo(Map.of("requests_per_minute", 3L));
    }
}
