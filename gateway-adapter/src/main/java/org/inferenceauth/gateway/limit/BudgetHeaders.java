package org.inferenceauth.gateway.limit;

import io.netty.util.AsciiString;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The {@code x-ratelimit-*} headers of an admitted request ({@link LimitHeaders}), up to 18 on every
 * answer, ready to write: names and values are Netty {@code AsciiString}s, which a response copies
 * whole (a {@code String} is hashed on every add and encoded character by character), built
 * without intermediate strings. A read-only map of strings for everyone else.
 */
public final class BudgetHeaders extends AbstractMap<String, String> {

    public static final BudgetHeaders NONE = new BudgetHeaders(new AsciiString[0], new AsciiString[0], 0);

    private final AsciiString[] names;
    private final AsciiString[] values;
    private final int size;

    BudgetHeaders(AsciiString[] names, AsciiString[] values, int size) {
        this.names = names;
        this.values = values;
        this.size = size;
    }

    /** Each header in order, as it goes on the wire. */
    public void forEachHeader(BiConsumer<CharSequence, CharSequence> sink) {
        for (int i = 0; i < size; i++) {
            sink.accept(names[i], values[i]);
        }
    }

    @Override
    public String get(Object name) {
        if (!(name instanceof CharSequence wanted)) {
            return null; // Map's contract: a key of another type is simply absent
        }
        for (int i = 0; i < size; i++) {
            if (names[i].contentEquals(wanted)) {
                return values[i].toString();
            }
        }
        return null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        Map<String, String> strings = new LinkedHashMap<>();
        forEachHeader((name, value) -> strings.put(name.toString(), value.toString()));
        return strings.entrySet();
    }

    /** A non-negative number in decimal. */
    static AsciiString number(long n) {
        byte[] digits = new byte[20];
        int at = digits.length;
        do {
            digits[--at] = (byte) ('0' + n % 10);
            n /= 10;
        } while (n > 0);
        return new AsciiString(digits, at, digits.length - at, false);
    }

    /** OpenAI's reset format: {@code 20ms}, {@code 1s}, {@code 6m0s}, {@code 1h2m3s}. */
    static AsciiString reset(long millis) {
        millis = Math.max(0, millis);
        StringBuilder text = new StringBuilder(12);
        if (millis < 1000) {
            return new AsciiString(text.append(millis).append("ms"));
        }
        long seconds = (millis + 999) / 1000;
        long hours = seconds / 3600;
        long minutes = (seconds % 3600) / 60;
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        return new AsciiString(text.append(seconds % 60).append('s'));
    }
}
