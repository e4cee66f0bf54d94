package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Asking the upstream for a stream's usage on the client's behalf")
class StreamUsageRequestTest {

    static String rewritten(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Buffer changed = StreamUsageRequest.askForUsage(bytes, ModelField.inspect(bytes));
        return changed == null ? null : changed.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // no stream_options: added after the opening brace, the rest byte for byte (spacing, numbers, key order)
            "{ \"model\":\"m\",\"stream\":true,\"temperature\":1.50,\"messages\":[{\"content\":\"é\"}]}"
                    + "|{\"stream_options\":{\"include_usage\":true}, \"model\":\"m\",\"stream\":true,\"temperature\":1.50,\"messages\":[{\"content\":\"é\"}]}",
            // options without include_usage, or with false: only that value changes
            "{\"model\":\"m\",\"stream_options\": {\"include_usage\":false, \"x\":[1]} ,\"stream\":true}"
                    + "|{\"model\":\"m\",\"stream_options\": {\"include_usage\":true,\"x\":[1]} ,\"stream\":true}",
            "{\"model\":\"m\",\"stream\":true,\"stream_options\":null}|{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
            // continuous_usage_stats without include_usage does nothing in vLLM: kept off, so the client's chunks stay as they were
            "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"continuous_usage_stats\":true}}"
                    + "|{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"continuous_usage_stats\":false,\"include_usage\":true}}",
    })
    @DisplayName("a streaming request without usage asked: changed in place, nothing else")
    void asks(String body, String expected) {
        assertThat(rewritten(body)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
            "{\"model\":\"m\",\"stream\":false}",
            "{\"model\":\"m\"}",
            "{\"model\":\"m\",\"stream\":\"true\"}",
            "{\"model\":\"m\",\"stream\":true,\"stream_options\":7}",
            "{\"model\":\"m\",\"stream\":true,\"stream\":false}",
    })
    @DisplayName("left alone: usage already asked, not streaming (the last stream key counts), options the upstream refuses anyway")
    void untouched(String body) {
        assertThat(rewritten(body)).isNull();
    }
}
