package org.inferenceauth.apikey.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.inferenceauth.apikey.format.ApiKeyFormat.Problem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeyFormatTest {

    private final ApiKeyFormat format = ApiKeyFormat.defaultFormat();

    @Nested
    @DisplayName("generated keys")
    class Generated {

        @Test
        @DisplayName("have the documented shape: ik_ + 12 + 32 + 6 base62 characters")
        void shape() {
            ParsedApiKey key = format.generate();

            assertThat(key.token()).matches("ik_[0-9A-Za-z]{50}");
            assertThat(key.token()).hasSize(53).hasSize(format.length());
            assertThat(key.keyId()).hasSize(12);
            assertThat(key.secret()).hasSize(32);
            assertThat(key.token()).isEqualTo("ik_" + key.keyId() + key.secret()
                    + ApiKeyFormat.checksum("ik_" + key.keyId() + key.secret()));
        }

        @Test
        @DisplayName("round-trip through parse for 10,000 keys, with distinct ids and secrets")
        void roundTrip() {
            Set<String> ids = new HashSet<>();
            Set<String> secrets = new HashSet<>();
            for (int i = 0; i < 10_000; i++) {
                ParsedApiKey key = format.generate();
                assertThat(format.parse(key.token())).contains(key);
                ids.add(key.keyId());
                secrets.add(key.secret());
            }
            assertThat(ids).hasSize(10_000);
            assertThat(secrets).hasSize(10_000);
        }

        @Test
        @DisplayName("carry at least 160 bits of secret")
        void entropy() {
            double bits = ApiKeyFormat.SECRET_LENGTH * (Math.log(62) / Math.log(2));
            assertThat(bits).isGreaterThanOrEqualTo(160);
        }

        @Test
        @DisplayName("use every base62 character for the secret, none outside it")
        void alphabetCoverage() {
            Set<Character> seen = new HashSet<>();
            IntStream.range(0, 2_000).forEach(i -> format.generate().secret().chars().forEach(c -> seen.add((char) c)));
            assertThat(seen).hasSize(62);
            assertThat(seen).allMatch(Base62::isBase62);
        }

        @Test
        @DisplayName("never print their secret through toString")
        void toStringHidesSecret() {
            ParsedApiKey key = format.generate();
            assertThat(key.toString()).contains(key.keyId()).doesNotContain(key.secret());
        }

        @Test
        @DisplayName("use a realm's own prefix")
        void customPrefix() {
            ApiKeyFormat iu = ApiKeyFormat.withPrefix("iullm");
            ParsedApiKey key = iu.generate();

            assertThat(key.token()).startsWith("iullm_");
            assertThat(iu.parse(key.token())).contains(key);
            assertThat(format.check(key.token())).isEqualTo(Problem.WRONG_PREFIX);
        }
    }

    @Nested
    @DisplayName("malformed candidates are refused offline")
    class Malformed {

        @ParameterizedTest
        @NullAndEmptySource
        void emptyInput(String candidate) {
            assertThat(format.check(candidate)).isEqualTo(Problem.EMPTY);
            assertThat(format.parse(candidate)).isEmpty();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"sk-abc123", "ik-", "IK_", "ghp_", "Bearer ik_", "eyJhbGciOiJSUzI1NiJ9.e30.sig", "ik"})
        @DisplayName("a wrong or missing prefix")
        void wrongPrefix(String candidate) {
            assertThat(format.check(candidate)).isEqualTo(Problem.WRONG_PREFIX);
        }

        @Test
        @DisplayName("a truncated paste, and one with a character too many")
        void wrongLength() {
            String token = format.generate().token();

            assertThat(format.check(token.substring(0, token.length() - 1))).isEqualTo(Problem.WRONG_LENGTH);
            assertThat(format.check(token + "A")).isEqualTo(Problem.WRONG_LENGTH);
            assertThat(format.check(token + "\n")).isEqualTo(Problem.WRONG_LENGTH);
            assertThat(format.check(" " + token)).isEqualTo(Problem.WRONG_PREFIX);
        }

        @ParameterizedTest(name = "''{0}'' at position {1}")
        @CsvSource({"-, 3", "_, 10", "+, 20", "/, 40", "=, 52", "é, 30", "' ', 15"})
        @DisplayName("a character outside base62")
        void badCharacter(char bad, int position) {
            char[] token = format.generate().token().toCharArray();
            token[position] = bad;

            assertThat(format.check(new String(token))).isEqualTo(Problem.BAD_CHARACTER);
        }

        @Test
        @DisplayName("any single-character typo, at every position after the prefix")
        void everySingleTypoIsCaught() {
            String token = format.generate().token();
            for (int i = 3; i < token.length(); i++) {
                char original = token.charAt(i);
                char typo = original == 'a' ? 'b' : 'a';
                String mistyped = token.substring(0, i) + typo + token.substring(i + 1);
                assertThat(format.check(mistyped)).as("typo at %d", i).isEqualTo(Problem.BAD_CHECKSUM);
            }
        }

        @Test
        @DisplayName("two adjacent characters swapped")
        void transposition() {
            String token = format.generate().token();
            for (int i = 3; i < token.length() - 1; i++) {
                if (token.charAt(i) == token.charAt(i + 1)) {
                    continue;
                }
                char[] chars = token.toCharArray();
                chars[i] = token.charAt(i + 1);
                chars[i + 1] = token.charAt(i);
                assertThat(format.check(new String(chars))).as("swap at %d", i).isEqualTo(Problem.BAD_CHECKSUM);
            }
        }

        @Test
        @DisplayName("a random string of the right shape")
        void randomStringOfRightShape() {
            String forged = "ik_" + "A".repeat(50);
            assertThat(format.check(forged)).isEqualTo(Problem.BAD_CHECKSUM);
        }
    }

    @ParameterizedTest(name = "prefix ''{0}''")
    @ValueSource(strings = {"", "i", "IK", "1k", "ik_", "verylongprefix", "ik-x"})
    @DisplayName("an invalid prefix is refused at configuration time")
    void invalidPrefix(String prefix) {
        assertThat(ApiKeyFormat.isValidPrefix(prefix)).isFalse();
        assertThatThrownBy(() -> ApiKeyFormat.withPrefix(prefix)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("the checksum is always six base62 characters, also for CRC values near 0 and 2^32-1")
    void checksumWidth() {
        assertThat(Base62.fixedWidth(0, 6)).isEqualTo("000000");
        assertThat(Base62.fixedWidth(0xFFFFFFFFL, 6)).hasSize(6).isEqualTo("4gfFC3");
        assertThatThrownBy(() -> Base62.fixedWidth(56_800_235_584L, 6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a key id is exactly twelve base62 characters; a whole key, a shorter id or an odd character is not one")
    void keyIdShape() {
        ParsedApiKey key = ApiKeyFormat.defaultFormat().generate();
        assertThat(ApiKeyFormat.isKeyId(key.keyId())).isTrue();
        assertThat(ApiKeyFormat.isKeyId("neverIssued0")).isTrue();
        for (String notAnId : new String[] {null, "", key.token(), key.keyId().substring(1), key.keyId() + "0",
                "neverIssued_", "neverIssue\u00e9", "../../etc/pa"}) {
            assertThat(ApiKeyFormat.isKeyId(notAnId)).as("%s", notAnId).isFalse();
        }
    }
}
