package org.inferenceauth.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Spill files: whole batches with their ids, or nothing")
class UsageSpoolTest {

    @TempDir
    Path dir;

    static UsageBatch batch(String user) {
        return UsageBatch.of("gw", List.of(new UsageEntry(
                new UsageKey(20_000, "api", user, null, "k", "c", "p", "m"), 1, 0, 2, 3, 1_700_000_000L)));
    }

    @Test
    @DisplayName("written batches load back byte for byte, oldest first, with their ids; deleted ones are gone; no partial file is left")
    void roundTrip() throws Exception {
        UsageSpool spool = new UsageSpool(dir.resolve("spill"));
        UsageBatch first = batch("a");
        UsageBatch second = batch("b");
        spool.write(first);
        Files.setLastModifiedTime(dir.resolve("spill").resolve(first.id() + ".json"), java.nio.file.attribute.FileTime.fromMillis(1000));
        spool.write(second);

        List<UsageBatch> loaded = new UsageSpool(dir.resolve("spill")).load();
        assertThat(loaded).extracting(UsageBatch::id).containsExactly(first.id(), second.id());
        assertThat(loaded.get(1).body()).isEqualTo(second.body());
        assertThat(loaded.get(0).entries()).isEqualTo(1);
        try (var files = Files.list(dir.resolve("spill"))) {
            assertThat(files).noneMatch(f -> f.toString().endsWith(".tmp"));
        }
        spool.delete(first);
        assertThat(spool.load()).extracting(UsageBatch::id).containsExactly(second.id());
    }

    @Test
    @DisplayName("a file that is not a batch (or whose name is not its batch id) is moved aside, never sent")
    void unreadableSetAside() throws Exception {
        UsageSpool spool = new UsageSpool(dir);
        UsageBatch good = batch("c");
        spool.write(good);
        Files.writeString(dir.resolve("broken.json"), "{\"batch_id\":", StandardCharsets.UTF_8);
        Files.write(dir.resolve("3f1c2b0e-0000-4000-8000-000000000000.json"), good.body());

        assertThat(spool.load()).extracting(UsageBatch::id).containsExactly(good.id());
        assertThat(dir.resolve("dead-letter").resolve("broken.json")).exists();
        assertThat(dir.resolve("dead-letter").resolve("3f1c2b0e-0000-4000-8000-000000000000.json")).exists();
    }

    @Test
    @DisplayName("a batch body is the contract's: batch_id, source and entries with every field")
    void body() {
        String body = new String(batch("d").body(), StandardCharsets.UTF_8);
        assertThat(new io.vertx.core.json.JsonObject(body).getJsonArray("entries").getJsonObject(0).encode())
                .isEqualTo("{\"day\":\"2024-10-04\",\"channel\":\"api\",\"user_id\":\"d\",\"key_id\":\"k\",\"client_id\":\"c\","
                        + "\"project\":\"p\",\"model\":\"m\",\"requests\":1,\"refused\":0,\"prompt_tokens\":2,\"completion_tokens\":3,"
                        + "\"last_used\":1700000000}");
        assertThat(body).startsWith("{\"batch_id\":\"").contains("\"source\":\"gw\"");
    }
}
