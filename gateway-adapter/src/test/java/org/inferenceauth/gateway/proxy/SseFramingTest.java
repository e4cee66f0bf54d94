package org.inferenceauth.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Where SSE lines end in raw bytes, eight bytes at a time")
class SseFramingTest {

    @Test
    @DisplayName("the first CR or LF from where the line starts, within the range asked about only; none: the range's end")
    void lineEnd() {
        byte[] text = "data: {\"a\":1}\r\ndata: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(SseFraming.lineEnd(text, 0, text.length)).isEqualTo(13);
        assertThat(SseFraming.lineEnd(text, 14, text.length)).isEqualTo(14);
        assertThat(SseFraming.lineEnd(text, 15, text.length)).isEqualTo(27);
        assertThat(SseFraming.lineEnd(text, 0, 13)).isEqualTo(13);
        assertThat(SseFraming.lineEnd(text, 3, 3)).isEqualTo(3);
    }

    @Test
    @DisplayName("agrees with a byte-by-byte search on random text, with bytes one off CR and LF and UTF-8 bytes about")
    void agreesWithNaiveSearch() {
        Random random = new Random(11);
        byte[] alphabet = {'\n', '\r', 0x0b, 0x0c, 0x0e, 0x09, 0x00, 0x01, (byte) 0x8a, (byte) 0x8d, 'x', (byte) 0xc3};
        for (int round = 0; round < 20_000; round++) {
            byte[] text = new byte[random.nextInt(40)];
            for (int i = 0; i < text.length; i++) {
                text[i] = random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) 'a';
            }
            int from = text.length == 0 ? 0 : random.nextInt(text.length);
            int to = from + random.nextInt(text.length - from + 1);
            assertThat(SseFraming.lineEnd(text, from, to)).as("round %d [%d, %d)", round, from, to)
                    .isEqualTo(naive(text, from, to));
        }
    }

    private static int naive(byte[] text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text[i] == '\n' || text[i] == '\r') {
                return i;
            }
        }
        return to;
    }
}
