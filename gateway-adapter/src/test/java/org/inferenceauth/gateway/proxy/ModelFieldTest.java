package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.inferenceauth.gateway.admission.Refusal;
import org.inferenceauth.gateway.limit.policy.RequestCaps;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Reading the model of a JSON request body")
class ModelFieldTest {

    static String read(byte[] body) {
        return ModelField.inspect(ModelField.utf8(Buffer.buffer(body))).model();
    }

    static String code(byte[] body) {
        try {
            read(body);
            throw new AssertionError("accepted");
        } catch (Refusal refusal) {
            return refusal.error().code();
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("the top-level model, whatever else the body holds (nested 'model' keys are the request's business)")
    void found() {
        assertThat(read(utf8("{\"messages\":[{\"model\":\"x\",\"content\":\"héllo 李\"}],\"model\":\"llama\",\"n\":1}")))
                .isEqualTo("llama");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"model\":\"a\",\"model\":\"b\"}              | invalid_value",
            "{\"model\":\"a\",\"MODEL\":\"b\"}              | invalid_value",
            "{\"Model\":\"a\"}                              | invalid_value",
            "{\"model\":{\"model\":\"a\"}}                  | missing_required_parameter",
            "{\"model\":42}                                 | missing_required_parameter",
            "{\"model\":\"  \"}                             | missing_required_parameter",
            "{\"messages\":[]}                              | missing_required_parameter",
            "[\"model\"]                                    | invalid_json",
            "{\"model\":\"a\"} {\"model\":\"b\"}            | invalid_json",
            "{\"model\":\"a\"                               | invalid_json",
            "''                                             | invalid_json"})
    void refused(String body, String code) {
        assertThat(code(utf8(body.strip()))).isEqualTo(code);
    }

    @Test
    @DisplayName("only strict UTF-8: no BOM, no UTF-16, no overlong or stray bytes, no surrogates")
    void encoding() {
        assertThat(code(utf8("\uFEFF{\"model\":\"a\"}"))).isEqualTo("invalid_json");
        assertThat(code("{\"model\":\"a\"}".getBytes(StandardCharsets.UTF_16LE))).isEqualTo("invalid_json");
        assertThat(code(new byte[] {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'}))
                .isEqualTo("invalid_json");
        assertThat(code(new byte[] {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}))
                .isEqualTo("invalid_json");
        assertThat(code(new byte[] {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0x80, '"', '}'}))
                .isEqualTo("invalid_json");
    }

    @Test
    @DisplayName("what per-request caps compare: max_tokens, max_completion_tokens and n as numbers, -1 when not given")
    void asked() {
        RequestCaps.Asked asked = ModelField.inspect(utf8("{\"model\":\"a\",\"max_tokens\":300,\"n\":2.5,"
                + "\"max_completion_tokens\":99999999999999999999999,\"messages\":[{\"n\":9}]}")).asked();
        RequestCaps.Asked none = ModelField.inspect(utf8("{\"model\":\"a\",\"max_tokens\":null,\"n\":\"4\"}")).asked();

        assertThat(asked).isEqualTo(new RequestCaps.Asked(300, Long.MAX_VALUE, 3));
        assertThat(none).isEqualTo(RequestCaps.Asked.NOTHING);
    }

    @Test
    @DisplayName("nesting deeper than the parser's limit is invalid JSON, not a stack overflow")
    void deepNesting() {
        assertThatThrownBy(() -> read(utf8("{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + ",\"model\":\"a\"}")))
                .isInstanceOf(Refusal.class);
    }
}
