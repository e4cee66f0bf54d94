package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The header name sets the relay filters by: exact names, any ASCII case")
class HeaderNameSetTest {

    private final HeaderNameSet set = new HeaderNameSet(List.of("te", "Transfer-Encoding", "trailer", "x-request-id"));

    @Test
    @DisplayName("a name in the set matches in any case")
    void anyCase() {
        assertThat(set.contains("te")).isTrue();
        assertThat(set.contains("TE")).isTrue();
        assertThat(set.contains("transfer-encoding")).isTrue();
        assertThat(set.contains("X-Request-ID")).isTrue();
        assertThat(set.contains("Trailer")).isTrue();
    }

    @Test
    @DisplayName("a name that only shares a prefix, a suffix or a length with one in the set does not match")
    void onlyWholeNames() {
        assertThat(set.contains("t")).isFalse();
        assertThat(set.contains("tea")).isFalse();
        assertThat(set.contains("trailers")).isFalse();
        assertThat(set.contains("x-request-ie")).isFalse();
        assertThat(set.contains("content-length")).isFalse();
        assertThat(set.contains("")).isFalse();
        assertThat(set.contains("a-name-longer-than-any-in-the-set")).isFalse();
    }
}
