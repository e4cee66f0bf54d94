package org.inferenceauth.it.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.inferenceauth.it.usage.UsageApi;
import org.inferenceauth.testkit.BrowserLogin;
import org.inferenceauth.testkit.KeycloakExtension;
import org.inferenceauth.testkit.KeycloakServer;
import org.inferenceauth.testkit.TestRealm;
import org.inferenceauth.testkit.TestUsers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Usage end to end (docs/usage-contract.md): two people with keys in two projects call a real
 * gateway with the OpenAI SDK, streaming with and without {@code include_usage} and not streaming;
 * after the gateway's graceful stop the operator's report in the real Keycloak holds exactly the
 * requests and tokens the SDK saw, and the owner's key listing shows the key's use.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Usage counted by a real gateway reaches Keycloak's reports exactly")
class GatewayUsageIT {

    /** One person's key, with the token of their account-console login. */
    record Person(UserRepresentation user, String token, String key, String keyId, String project) {}

    /** What the SDK saw for one person and model. */
    static final class Tally {
        long requests;
        long refused;
        long prompt;
        long completion;

        void add(CompletionUsage usage) {
            requests++;
            prompt += usage.promptTokens();
            completion += usage.completionTokens();
        }
    }

    @Test
    @DisplayName("N streamed (with and without include_usage) and M whole answers by two people over two projects: exact totals, refusals apart, the key's last use")
    void exactTotals(KeycloakServer keycloak, @TempDir Path spill) {
        RealmResource realm = keycloak.getKeycloakAdminClient().realm(TestRealm.REALM);
        Person ada = person(keycloak, realm, "usage-ada", List.of());
        Person bob = person(keycloak, realm, "usage-bob", List.of("model:model-c"));
        Map<String, Tally> expected = new HashMap<>();

        GatewayUnderTest gateway = new GatewayUnderTest(keycloak, Map.of(
                "GATEWAY_USAGE_SPILL_DIR", spill.toString(),
                "GATEWAY_USAGE_SOURCE", "usage-it-" + UUID.randomUUID().toString().substring(0, 8)));
        try {
            OpenAIClient adaSdk = gateway.sdk(ada.key());
            for (int i = 0; i < 3; i++) {
                tally(expected, ada, "model-b").add(whole(adaSdk, "model-b"));
            }
            for (int i = 0; i < 2; i++) {
                CompletionUsage asked = streamed(adaSdk, "model-b", true);
                assertThat(asked).as("the usage chunk the client asked for").isNotNull();
                tally(expected, ada, "model-b").add(asked);
                // Not asked for: the gateway asks upstream and removes that chunk; the demo upstream
                // answers the same prompt with the same counts, so the report must hold them too.
                assertThat(streamed(adaSdk, "model-b", false)).as("a usage chunk the client did not ask for").isNull();
                tally(expected, ada, "model-b").add(asked);
            }

            OpenAIClient bobSdk = gateway.sdk(bob.key());
            for (int i = 0; i < 2; i++) {
                tally(expected, bob, "model-c").add(whole(bobSdk, "model-c"));
            }
            // Outside the key's model scope: refused by the gateway, counted as refused, no tokens.
            assertThatThrownBy(() -> whole(bobSdk, "model-b")).isInstanceOf(PermissionDeniedException.class);
            tally(expected, bob, "model-b").refused++;
        } finally {
            gateway.close(); // graceful stop: what is still held is delivered now
        }

        UsageApi usage = UsageApi.inference(keycloak);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        List<Map<String, Object>> rows = usage.totals(Map.of("from", today.minusDays(1).toString(),
                "to", today.plusDays(1).toString(), "group_by", "user,project,model"));
        Map<String, Tally> reported = new HashMap<>();
        for (Map<String, Object> row : rows) {
            String userId = (String) row.get("user_id");
            if (!userId.equals(ada.user().getId()) && !userId.equals(bob.user().getId())) {
                continue;
            }
            Tally tally = reported.computeIfAbsent(userId + "/" + row.get("project") + "/" + row.get("model"), k -> new Tally());
            tally.requests = number(row, "requests");
            tally.refused = number(row, "refused");
            tally.prompt = number(row, "prompt_tokens");
            tally.completion = number(row, "completion_tokens");
        }
        assertThat(reported).as("the operator's report per user, project and model").hasSameSizeAs(expected);
        expected.forEach((group, tally) -> {
            Tally got = reported.get(group);
            assertThat(got).as(group).isNotNull();
            assertThat(List.of(got.requests, got.refused, got.prompt, got.completion)).as(group)
                    .containsExactly(tally.requests, tally.refused, tally.prompt, tally.completion);
        });

        JsonPath keys = given().auth().oauth2(ada.token()).accept(ContentType.JSON)
                .get(keycloak.getIssuer(TestRealm.REALM) + "/api-keys").then().statusCode(200).extract().jsonPath();
        Map<String, Object> listed = keys.getMap("keys.find { it.keyId == '" + ada.keyId() + "' }");
        Tally adaTotal = expected.get(group(ada, "model-b"));
        assertThat(listed.get("lastUsedAt")).as("last used, from the delivered usage").isNotNull();
        assertThat(keys.getLong("keys.find { it.keyId == '" + ada.keyId() + "' }.usage30d.requests"))
                .isEqualTo(adaTotal.requests);
        assertThat(keys.getLong("keys.find { it.keyId == '" + ada.keyId() + "' }.usage30d.completion_tokens"))
                .isEqualTo(adaTotal.completion);
    }

    static Tally tally(Map<String, Tally> expected, Person person, String model) {
        return expected.computeIfAbsent(group(person, model), k -> new Tally());
    }

    static String group(Person person, String model) {
        return person.user().getId() + "/" + person.project() + "/" + model;
    }

    static long number(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }

    static ChatCompletionCreateParams.Builder ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("How many tokens is this question?");
    }

    static CompletionUsage whole(OpenAIClient sdk, String model) {
        ChatCompletion answer = sdk.chat().completions().create(ask(model).build());
        return answer.usage().orElseThrow();
    }

    /** Streams one answer; returns the usage the client saw, or null when no chunk carried any. */
    static CompletionUsage streamed(OpenAIClient sdk, String model, boolean includeUsage) {
        ChatCompletionCreateParams.Builder params = ask(model);
        if (includeUsage) {
            params.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        }
        CompletionUsage seen = null;
        int chunks = 0;
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params.build())) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                chunks++;
                if (chunk.usage().isPresent()) {
                    seen = chunk.usage().get();
                }
            }
        }
        assertThat(chunks).as("chunks streamed").isGreaterThan(1);
        return seen;
    }

    /** A new person in a new project group under /projects, with a key of that project. */
    static Person person(KeycloakServer keycloak, RealmResource realm, String prefix, List<String> scopes) {
        String project = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        GroupRepresentation group = new GroupRepresentation();
        group.setName(project);
        try (Response created = realm.groups().group(realm.getGroupByPath("/projects").getId()).subGroup(group)) {
            assertThat(created.getStatus()).isEqualTo(201);
        }
        UserRepresentation user = TestUsers.create(realm, prefix);
        realm.users().get(user.getId()).joinGroup(realm.getGroupByPath("/projects/" + project).getId());
        String token = BrowserLogin.accountConsole(keycloak, TestRealm.REALM).login(user.getUsername(), TestUsers.PASSWORD)
                .accessToken();
        JsonPath key = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("name", "usage", "project", project, "scopes", scopes))
                .post(keycloak.getIssuer(TestRealm.REALM) + "/api-keys").then().statusCode(201).extract().jsonPath();
        return new Person(user, token, key.getString("key"), key.getString("keyId"), project);
    }
}
