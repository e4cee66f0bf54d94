package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Reading token usage from responses as they pass")
class UsageTapsTest {

    final List<long[]> reported = new ArrayList<>();
    final TokenSink sink = (prompt, completion) -> reported.add(new long[] {prompt, completion});

    static final String CHUNK = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n";
    static final String USAGE_ONLY = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}\n\n";
    static final String DONE = "data: [DONE]\n\n";

    static Buffer buffer(String text) {
        return Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
    }

    @Nested
    @DisplayName("SSE streams")
    class Sse {

        @Test
        @DisplayName("a buffer without usage passes as the very same buffer, unparsed")
        void untouched() {
            Buffer in = buffer(CHUNK + CHUNK);
            assertThat(new SseUsageTap(true, sink).apply(in)).isSameAs(in);
            assertThat(reported).isEmpty();
        }

        @Test
        @DisplayName("the client asked for usage: everything passes, the usage is reported")
        void asked() {
            Buffer in = buffer(CHUNK + USAGE_ONLY + DONE);
            assertThat(new SseUsageTap(false, sink).apply(in).toString()).isEqualTo(CHUNK + USAGE_ONLY + DONE);
            assertThat(reported).containsExactly(new long[] {7, 3});
        }

        @ParameterizedTest(name = "line ends {0}")
        @ValueSource(strings = {"\n", "\r\n", "\r"})
        @DisplayName("the gateway asked: exactly the usage-only event is taken out, every other byte stays")
        void removed(String eol) {
            String chunk = CHUNK.replace("\n", eol);
            String usage = USAGE_ONLY.replace("\n", eol);
            String done = DONE.replace("\n", eol);
            SseUsageTap tap = new SseUsageTap(true, sink);
            assertThat(tap.apply(buffer(chunk + usage + done)).toString()).isEqualTo(chunk + done);
            assertThat(tap.apply(buffer(usage)).length()).isZero();
            assertThat(reported).hasSize(2).allSatisfy(r -> assertThat(r).containsExactly(7, 3));
        }

        @Test
        @DisplayName("a buffer that is a window on a larger one (read in place) is cut at its own bounds")
        void windowOnALargerBuffer() {
            String before = "data: {\"usage\":{\"prompt_tokens\":99}}\n\n";
            Buffer larger = buffer(before + CHUNK + CHUNK + USAGE_ONLY + DONE + "data: {\"usage\"");
            int from = before.length();
            Buffer window = larger.slice(from, from + CHUNK.length() * 2 + USAGE_ONLY.length() + DONE.length());
            assertThat(new SseUsageTap(true, sink).apply(window).toString()).isEqualTo(CHUNK + CHUNK + DONE);
            assertThat(reported).containsExactly(new long[] {7, 3});
        }

        @Test
        @DisplayName("running totals in every chunk (continuous_usage_stats): each is reported, so the last one counts; none is removed")
        void runningTotals() {
            SseUsageTap tap = new SseUsageTap(true, sink);
            for (int i = 1; i <= 3; i++) {
                String chunk = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w\"}}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":"
                        + i + "}}\n\n";
                assertThat(tap.apply(buffer(chunk)).toString()).isEqualTo(chunk);
            }
            assertThat(reported.get(reported.size() - 1)).containsExactly(5, 3);
        }

        @Test
        @DisplayName("usage: null, a quoted \"usage\" in the text, [DONE] and an unfinished event pass untouched and count nothing")
        void notUsage() {
            String in = "data: {\"choices\":[{\"delta\":{\"content\":\"the \\\"usage\\\" word\"}}],\"usage\":null}\n\n" + DONE
                    + "data: {\"choices\":[],\"usage\":{\"prompt";
            assertThat(new SseUsageTap(true, sink).apply(buffer(in)).toString()).isEqualTo(in);
            assertThat(reported).isEmpty();
        }
    }

    @Nested
    @DisplayName("JSON responses")
    class Json {

        static final String BODY = "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"a \\\"usage\\\": {\\\"prompt_tokens\\\": 99}\","
                + "\"usage\":{\"prompt_tokens\":1000}}}],\"usage\":{\"prompt_tokens\":12,\"total_tokens\":40,\"completion_tokens\":28}}";

        @Test
        @DisplayName("the top-level usage, fed one byte at a time; nested usage objects and text are not it; bytes pass unchanged")
        void byteByByte() {
            JsonUsageTap tap = new JsonUsageTap(sink);
            StringBuilder passed = new StringBuilder();
            for (byte b : BODY.getBytes(StandardCharsets.UTF_8)) {
                passed.append(tap.apply(Buffer.buffer(new byte[] {b})).toString());
            }
            assertThat(passed.toString()).isEqualTo(BODY);
            assertThat(reported).singleElement().satisfies(r -> assertThat(r).containsExactly(12, 28));
        }

        @Test
        @DisplayName("in one buffer, and cut in two at every byte: escaped quotes and backslashes in the text are read as text")
        void wholeAndCutAnywhere() {
            // An odd number of escaped quotes, and an escaped backslash right before a closing quote.
            byte[] body = ("{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"she said \\\"hi, see C:\\\\\"}}],"
                    + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":28}}").getBytes(StandardCharsets.UTF_8);
            new JsonUsageTap(sink).apply(Buffer.buffer(body));
            for (int cut = 1; cut < body.length; cut++) {
                JsonUsageTap tap = new JsonUsageTap(sink);
                tap.apply(Buffer.buffer(java.util.Arrays.copyOfRange(body, 0, cut)));
                tap.apply(Buffer.buffer(java.util.Arrays.copyOfRange(body, cut, body.length)));
            }
            assertThat(reported).hasSize(body.length).allSatisfy(r -> assertThat(r).containsExactly(12, 28));
        }

        @Test
        @DisplayName("embeddings have prompt tokens only; a body that is not JSON yields nothing and still passes")
        void embeddingsAndGarbage() {
            new JsonUsageTap(sink).apply(buffer("{\"object\":\"list\",\"data\":[{\"embedding\":[0.1,-2e-3]}],\"usage\":{\"prompt_tokens\":4,\"total_tokens\":4}}"));
            assertThat(reported).singleElement().satisfies(r -> assertThat(r).containsExactly(4, 0));
            Buffer garbage = buffer("<html>oops</html>");
            assertThat(new JsonUsageTap(sink).apply(garbage)).isSameAs(garbage);
            assertThat(reported).hasSize(1);
        }

        @ParameterizedTest(name = "{0}")
        @DisplayName("counts are what a JSON parser reads: only non-negative integers that fit a long")
        @CsvSource(delimiter = '|', value = {
            "{\"usage\":{\"prompt_tokens\":-5,\"completion_tokens\":2.0}}                     | 0 | 0",
            "{\"usage\":{\"prompt_tokens\":1e3,\"completion_tokens\":99999999999999999999}}    | 0 | 0",
            "{\"usage\":{\"prompt_tokens\":\"12\",\"completion_tokens\":null}}                 | 0 | 0",
            "{\"usage\":{\"prompt_tokens\":9223372036854775807,\"completion_tokens\":0}}       | 9223372036854775807 | 0",
            "{ \"usage\" : { \"prompt_tokens_details\" : {\"prompt_tokens\":5,\"cached_tokens\":1}, \"prompt_tokens\" : 3 , \"completion_tokens\":4 } }  | 3 | 4",
            "{\"model\":\"m\",\"usage\":{\"completion_tokens\":8,\"total_tokens\":8,\"x\":[1,{\"prompt_tokens\":6}]}} | 0 | 8",
        })
        void countsAsJsonReadsThem(String body, long prompt, long completion) {
            new JsonUsageTap(sink).apply(buffer(body));
            assertThat(reported).singleElement().satisfies(r -> assertThat(r).containsExactly(prompt, completion));
        }

        @ParameterizedTest(name = "{0}")
        @DisplayName("no top-level usage object, no report")
        @ValueSource(strings = {
            "[{\"usage\":{\"prompt_tokens\":1}}]",
            "{\"usage\":null,\"data\":{\"usage\":{\"prompt_tokens\":1}}}",
            "{\"usage\":\"{\\\"prompt_tokens\\\":1}\"}",
            "{\"choices\":[{\"text\":\"\\\"usage\\\":{\"}],\"note\":\"}\"}",
            "\"usage\"",
            "{\"usage_of_a_much_longer_key_than_any\":{\"prompt_tokens\":1}}",
            "{\"us\\u0061ge\":{\"prompt_tokens\":1}}",
        })
        void noTopLevelUsage(String body) {
            new JsonUsageTap(sink).apply(buffer(body));
            assertThat(reported).isEmpty();
        }

        @Test
        @DisplayName("a count split between two buffers is read whole")
        void countAcrossBuffers() {
            JsonUsageTap tap = new JsonUsageTap(sink);
            tap.apply(buffer("{\"usage\":{\"prompt_to"));
            tap.apply(buffer("kens\":12"));
            tap.apply(buffer("34,\"completion_tokens\":5}}"));
            assertThat(reported).singleElement().satisfies(r -> assertThat(r).containsExactly(1234, 5));
        }

        @Test
        @DisplayName("a key split between buffers is read whole, and one too long for any of ours matches none even in pieces")
        void keyAcrossBuffers() {
            JsonUsageTap tap = new JsonUsageTap(sink);
            tap.apply(buffer("{\"us"));
            tap.apply(buffer("age\":{\"completion_tokens_and_then_some_more"));
            tap.apply(buffer("\":7,\"completion_tokens\":3}}"));
            assertThat(reported).singleElement().satisfies(r -> assertThat(r).containsExactly(0, 3));
        }
    }
}
