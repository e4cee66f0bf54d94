package org.inferenceauth.gateway.proxy;

import io.vertx.core.http.HttpHeaders;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of headers the gateway writes itself, as Netty's {@code AsciiString}: Vert.x hashes a
 * {@code String} name on every put and encodes it character by character, an {@code AsciiString}
 * keeps its hash and is copied whole. It matters on the hot path, where every upstream request
 * carries the gateway's identity headers (the {@code x-ratelimit-*} ones are built so already,
 * {@code BudgetHeaders}). Only the gateway's own fixed names come here, so the table stays small;
 * it is bounded all the same.
 */
final class HeaderNames {

    private static final int MAX = 256;
    private static final ConcurrentHashMap<String, CharSequence> OPTIMIZED = new ConcurrentHashMap<>();

    static final CharSequence X_REQUEST_ID = of("x-request-id");
    static final CharSequence X_FORWARDED_FOR = of("x-forwarded-for");
    static final CharSequence X_FORWARDED_PROTO = of("x-forwarded-proto");
    static final CharSequence AUTHORIZATION = of("authorization");

    private HeaderNames() {}

    static CharSequence of(String name) {
        CharSequence optimized = OPTIMIZED.get(name);
        if (optimized != null) {
            return optimized;
        }
        return OPTIMIZED.size() < MAX ? OPTIMIZED.computeIfAbsent(name, HttpHeaders::createOptimized) : name;
    }
}
