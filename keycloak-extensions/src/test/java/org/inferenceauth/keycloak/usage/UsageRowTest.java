package org.inferenceauth.keycloak.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class UsageRowTest {

    private static final LocalDate DAY = LocalDate.parse("2026-11-29");

    private static UsageRow row(String project, String keyId, long requests, long lastUsed) {
        return new UsageRow(DAY, UsageRow.API, "user-1", project, keyId, "client", "model", requests, 0, 10, 20, 0, lastUsed);
    }

    @Test
    @DisplayName("the row id depends on every dimension, not on the counts; shifting characters between dimensions changes it")
    void rowId() {
        assertThat(row("ab", "c", 1, 0).rowId("realm")).isEqualTo(row("ab", "c", 7, 99).rowId("realm"))
                .hasSize(43)
                .isNotEqualTo(row("a", "bc", 1, 0).rowId("realm"))
                .isNotEqualTo(row("ab", "c", 1, 0).rowId("other-realm"))
                .isNotEqualTo(row("ab", "c", 1, 0).forUser("user-2").rowId("realm"));
    }

    @Test
    @DisplayName("adding two entries of one row sums the counters and keeps the later last use")
    void plus() {
        UsageRow sum = row("p", "k", 2, 100).plus(row("p", "k", 3, 50));
        assertThat(sum.requests()).isEqualTo(5);
        assertThat(sum.promptTokens()).isEqualTo(20);
        assertThat(sum.completionTokens()).isEqualTo(40);
        assertThat(sum.lastUsed()).isEqualTo(100);
    }

    @Test
    @DisplayName("a sum that would overflow fails instead of wrapping around")
    void overflow() {
        assertThatThrownBy(() -> row("p", "k", Long.MAX_VALUE, 0).plus(row("p", "k", 1, 0)))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    @DisplayName("a login is one login on channel ui, with no key, project or model")
    void login() {
        UsageRow login = UsageRow.login(DAY, "user-1", "open-webui", 123);
        assertThat(login.channel()).isEqualTo("ui");
        assertThat(login.logins()).isEqualTo(1);
        assertThat(login.requests() + login.promptTokens() + login.completionTokens()).isZero();
        assertThat(login.keyId() + login.project() + login.model()).isEmpty();
    }
}
