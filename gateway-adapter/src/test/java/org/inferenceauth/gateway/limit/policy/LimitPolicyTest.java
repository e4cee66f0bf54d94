package org.inferenceauth.gateway.limit.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.auth.apikey.Introspection;
import org.inferenceauth.gateway.errors.OpenAiError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The limits policy: what Keycloak delivers, who pays, per-request caps, calendar windows")
class LimitPolicyTest {

    private static final LimitSet DEFAULTS = LimitSet.requestsPerMinute(60, 10);
    private final Payers payers = new Payers(DEFAULTS);

    private static final JsonObject DELIVERED = new JsonObject()
            .put("user", new JsonObject().put("requests_per_minute", 30).put("tokens_per_day", 100_000))
            .put("project", new JsonObject().put("tokens_per_month", 5_000_000))
            .put("key", new JsonObject().put("max_tokens_per_request", 512))
            .put("default_user", new JsonObject().put("requests_per_day", 100));

    private static Identity apiKey(String sub, String project, String keyId, JsonObject limits) {
        JsonObject answer = new JsonObject().put("active", true).put("sub", sub).put("username", "u").put("key_id", keyId)
                .put("project", project).put("client_id", "account-console").put("scope", "");
        if (limits != null) {
            answer.put("limits", limits);
        }
        return ((Introspection.Active) Introspection.fromJson(answer)).identity();
    }

    @Nested
    @DisplayName("reading a limit set")
    class Reading {

        @Test
        @DisplayName("known fields with positive integers count; anything else is no limit, unknown fields are ignored")
        void fields() {
            LimitSet set = LimitSet.fromJson(new JsonObject().put("requests_per_minute", 30).put("requests_per_hour", 0)
                    .put("tokens_per_day", -5).put("tokens_per_month", 2.5).put("requests_per_day", "100")
                    .put("max_n_per_request", 4.0).put("something_new", 7));

            assertThat(set.values()).containsOnly(Map.entry(LimitSet.Field.REQUESTS_PER_MINUTE, 30L),
                    Map.entry(LimitSet.Field.MAX_N_PER_REQUEST, 4L));
            assertThat(set.minuteCapacity()).as("a delivered per-minute limit is its own capacity").isEqualTo(30);
            assertThat(LimitSet.requestsPerMinute(60, 10).minuteCapacity()).as("the configured burst").isEqualTo(10);
        }

        @Test
        @DisplayName("the introspection answer's limits reach the identity; an answer without them leaves none")
        void introspection() {
            Identity identity = apiKey("sub-1", "alpha", "k1", DELIVERED);

            assertThat(identity.limits().user().get(LimitSet.Field.REQUESTS_PER_MINUTE)).hasValue(30);
            assertThat(identity.limits().project().get(LimitSet.Field.TOKENS_PER_MONTH)).hasValue(5_000_000);
            assertThat(identity.limits().key().get(LimitSet.Field.MAX_TOKENS_PER_REQUEST)).hasValue(512);
            assertThat(identity.limits().defaultUser().get(LimitSet.Field.REQUESTS_PER_DAY)).hasValue(100);
            assertThat(apiKey("sub-1", "alpha", "k1", null).limits()).isNull();
        }

        @Test
        @DisplayName("a token's inference_limits claim (a JSON map, as Nimbus hands it over) reads the same")
        void claim() {
            DeliveredLimits limits = DeliveredLimits.fromJson(Map.of("user", Map.of("requests_per_hour", 200L),
                    "project", Map.of("tokens_per_day", 9L)), "alpha");

            assertThat(limits.user().get(LimitSet.Field.REQUESTS_PER_HOUR)).hasValue(200);
            assertThat(limits.project().get(LimitSet.Field.TOKENS_PER_DAY)).hasValue(9);
            assertThat(limits.projectName()).isEqualTo("alpha");
            assertThat(DeliveredLimits.fromJson("not an object", null)).isNull();
        }
    }

    @Nested
    @DisplayName("who pays")
    class WhoPays {

        @Test
        @DisplayName("the person by subject (every key of theirs the same payer), then the project, then the key")
        void personProjectKey() {
            List<Scope> first = payers.of(apiKey("sub-1", "alpha", "k1", DELIVERED), null);
            List<Scope> second = payers.of(apiKey("sub-1", "alpha", "k2", DELIVERED), null);

            assertThat(first).extracting(Scope::storeKey).containsExactly("user:sub-1", "project:alpha", "key:k1");
            assertThat(second.get(0)).as("two keys of one person: one payer").isEqualTo(first.get(0));
            assertThat(first.get(2).limits().get(LimitSet.Field.MAX_TOKENS_PER_REQUEST)).hasValue(512);
        }

        @Test
        @DisplayName("payers without limits are left out")
        void onlyLimited() {
            JsonObject userOnly = new JsonObject().put("user", new JsonObject().put("requests_per_day", 5))
                    .put("default_user", new JsonObject());

            assertThat(payers.of(apiKey("sub-1", "alpha", "k1", userOnly), null)).extracting(Scope::storeKey)
                    .containsExactly("user:sub-1");
            assertThat(payers.of(apiKey("sub-1", "alpha", "k1", new JsonObject().put("user", new JsonObject())
                    .put("default_user", new JsonObject())), null))
                    .as("delivered and empty: no limits at all, not the configured defaults").isEmpty();
        }

        @Test
        @DisplayName("without delivered limits the person gets the configured defaults (per person, not per key)")
        void configuredDefaults() {
            List<Scope> scopes = payers.of(apiKey("sub-1", "alpha", "k1", null), null);

            assertThat(scopes).containsExactly(new Scope(Scope.Kind.USER, "sub-1", DEFAULTS));
            assertThat(new Payers(LimitSet.NONE).of(apiKey("sub-1", "alpha", "k1", null), null))
                    .as("no defaults configured: nobody is limited").isEmpty();
        }

        @Test
        @DisplayName("a person a trusted web UI names is the payer, by lower-cased email, with the realm's person defaults")
        void webUiPerson() {
            List<Scope> scopes = payers.of(apiKey("sub-webui", "webui", "kw", DELIVERED), "Zoe@Example.EDU");

            assertThat(scopes).containsExactly(new Scope(Scope.Kind.USER, "email:zoe@example.edu",
                    LimitSet.fromJson(new JsonObject().put("requests_per_day", 100))));
        }

        @Test
        @DisplayName("a token obtained with a key pays with the key's project, named by api_key_project")
        void tokenOfAKey() {
            DeliveredLimits limits = DeliveredLimits.fromJson(DELIVERED, "alpha");
            Identity token = new Identity(Identity.Kind.JWT, "sub-1", "u", null, "k1", "cli", Set.of(), Instant.now(),
                    Instant.now().plusSeconds(60), Identity.Channel.API, limits);

            assertThat(payers.of(token, null)).extracting(Scope::storeKey)
                    .containsExactly("user:sub-1", "project:alpha", "key:k1");
        }
    }

    @Nested
    @DisplayName("per-request caps")
    class Caps {

        private final List<Scope> scopes = List.of(
                new Scope(Scope.Kind.USER, "u", LimitSet.fromJson(new JsonObject().put("max_tokens_per_request", 2048)
                        .put("max_n_per_request", 2))),
                new Scope(Scope.Kind.KEY, "k", LimitSet.fromJson(new JsonObject().put("max_tokens_per_request", 512))));

        @Test
        @DisplayName("the smallest cap of all payers holds, for max_tokens, max_completion_tokens and n")
        void smallestHolds() {
            OpenAiError overTokens = RequestCaps.check(scopes, new RequestCaps.Asked(513, -1, -1)).orElseThrow();
            OpenAiError overCompletion = RequestCaps.check(scopes, new RequestCaps.Asked(-1, 600, -1)).orElseThrow();
            OpenAiError overN = RequestCaps.check(scopes, new RequestCaps.Asked(100, -1, 3)).orElseThrow();

            assertThat(overTokens.status()).isEqualTo(400);
            assertThat(overTokens.code()).isEqualTo("integer_above_max_value");
            assertThat(overTokens.type()).isEqualTo("invalid_request_error");
            assertThat(overTokens.param()).isEqualTo("max_tokens");
            assertThat(overTokens.message()).contains("512").contains("513");
            assertThat(overCompletion.param()).isEqualTo("max_completion_tokens");
            assertThat(overN.param()).isEqualTo("n");
            assertThat(RequestCaps.check(scopes, new RequestCaps.Asked(512, 512, 2))).isEmpty();
            assertThat(RequestCaps.check(scopes, RequestCaps.Asked.NOTHING)).as("nothing asked, nothing refused").isEmpty();
        }
    }

    @Test
    @DisplayName("calendar windows are UTC days and months, ending at 00:00 UTC")
    void calendar() {
        Instant lateInDay = Instant.parse("2026-11-30T23:59:59Z");

        assertThat(Calendar.window(Calendar.Period.DAY, lateInDay)).isEqualTo("d20261130");
        assertThat(Calendar.window(Calendar.Period.MONTH, lateInDay)).isEqualTo("m202611");
        assertThat(Calendar.end(Calendar.Period.DAY, lateInDay)).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(Calendar.end(Calendar.Period.MONTH, Instant.parse("2026-12-31T10:00:00Z")))
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(new Calendar(Clock.fixed(lateInDay, ZoneOffset.ofHours(5))).now()).isEqualTo(lateInDay);
    }
}
