package org.inferenceauth.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.inferenceauth.keycloak.FakeRealms;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ApiBaseUrlTest {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    @DisplayName("blank or absent: unset, no problem")
    void unset(String value) {
        assertThat(ApiBaseUrl.parse(value)).isEqualTo(new ApiBaseUrl(null, null));
    }

    @ParameterizedTest
    @CsvSource({
            "https://inference.example.edu/v1, https://inference.example.edu/v1",
            "' https://inference.example.edu/v1// ', https://inference.example.edu/v1",
            "http://127.0.0.1:8000/v1, http://127.0.0.1:8000/v1",
            "HTTPS://Inference.Example.edu, HTTPS://Inference.Example.edu",
            "https://[::1]:8443/openai/v1, https://[::1]:8443/openai/v1"})
    @DisplayName("an absolute http(s) URL is used as given, without surrounding blanks and trailing slashes")
    void valid(String value, String url) {
        assertThat(ApiBaseUrl.parse(value)).isEqualTo(new ApiBaseUrl(url, null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ftp://files.example.edu/v1 | is not an absolute http(s) URL",
            "inference.example.edu/v1 | is not an absolute http(s) URL",
            "/v1 | is not an absolute http(s) URL",
            "http:/v1 | has no host",
            "https:// | is not a URL",
            "${INFERENCE_API_BASE_URL} | is not a URL",
            "https://inference.example.edu/v1 with space | is not a URL",
            "https://gw:pw@inference.example.edu/v1 | holds user info",
            "https://inference.example.edu/v1?key=1 | has a query or fragment",
            "https://inference.example.edu/v1#top | has a query or fragment"})
    @DisplayName("anything else: no URL, and a problem that names the setting but not the value")
    void invalid(String value, String why) {
        ApiBaseUrl parsed = ApiBaseUrl.parse(value);
        assertThat(parsed.url()).isNull();
        assertThat(parsed.problem()).startsWith("inference.apikey.apiBaseUrl " + why).doesNotContain(value);
    }

    @Test
    @DisplayName("too long: refused")
    void tooLong() {
        String value = "https://inference.example.edu/" + "a".repeat(ApiBaseUrl.MAX_LENGTH);
        assertThat(ApiBaseUrl.parse(value).problem()).contains("longer than 2048");
    }

    @Test
    @DisplayName("read from the realm attribute inference.apikey.apiBaseUrl")
    void fromRealm() {
        assertThat(ApiBaseUrl.of(FakeRealms.withAttributes(Map.of("inference.apikey.apiBaseUrl", "https://x.example/v1/"))).url())
                .isEqualTo("https://x.example/v1");
        assertThat(ApiBaseUrl.of(FakeRealms.withAttributes(Map.of()))).isEqualTo(new ApiBaseUrl(null, null));
    }
}
