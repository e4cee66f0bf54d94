package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Finding a fixed string in raw bytes, eight bytes at a time")
class ByteNeedleTest {

    private final ByteNeedle usage = new ByteNeedle("\"usage\"", 4);

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @DisplayName("finds the first whole occurrence at any offset, within the range asked about only")
    void firstWholeOccurrence() {
        byte[] text = ascii("\"usage\"x{\"choices\":[],\"usage\":{}}\"usage\"");
        assertThat(usage.in(text, 0, text.length)).isZero();
        assertThat(usage.in(text, 1, text.length)).isEqualTo(22);
        assertThat(usage.in(text, 23, text.length)).isEqualTo(text.length - 7);
        assertThat(usage.in(text, 1, 28)).isEqualTo(-1); // the second one is [22, 29)
        assertThat(usage.in(text, 1, 29)).isEqualTo(22);
        assertThat(usage.in(text, 0, 6)).isEqualTo(-1);
        assertThat(usage.in(text, 5, 5)).isEqualTo(-1);
    }

    @Test
    @DisplayName("near misses are not matches: a missing quote, a longer word, the anchor byte alone")
    void nearMisses() {
        byte[] text = ascii("usage\" \"usages\" \"usag\" gggggggggggggggg \"Usage\" \"usage");
        assertThat(usage.in(text, 0, text.length)).isEqualTo(-1);
    }

    @Test
    @DisplayName("agrees with a byte-by-byte search on random text rich in the needle's bytes")
    void agreesWithNaiveSearch() {
        Random random = new Random(7);
        byte[] alphabet = ascii("\"usagexg\n:");
        for (int round = 0; round < 20_000; round++) {
            byte[] text = new byte[random.nextInt(40)];
            for (int i = 0; i < text.length; i++) {
                text[i] = alphabet[random.nextInt(alphabet.length)];
            }
            if (text.length >= 7 && random.nextBoolean()) {
                System.arraycopy(ascii("\"usage\""), 0, text, random.nextInt(text.length - 6), 7);
            }
            int from = text.length == 0 ? 0 : random.nextInt(text.length);
            int to = from + random.nextInt(text.length - from + 1);
            assertThat(usage.in(text, from, to)).as("in %s [%d, %d)", new String(text, StandardCharsets.US_ASCII), from, to)
                    .isEqualTo(naive(text, from, to));
        }
    }

    @Test
    @DisplayName("at: the needle starts exactly there and fits before the end")
    void at() {
        ByteNeedle data = new ByteNeedle("data:", 0);
        byte[] line = ascii("data: {}");
        assertThat(data.at(line, 0, line.length)).isTrue();
        assertThat(data.at(line, 0, 4)).isFalse();
        assertThat(data.at(line, 1, line.length)).isFalse();
    }

    private static int naive(byte[] text, int from, int to) {
        byte[] needle = ascii("\"usage\"");
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (text[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
