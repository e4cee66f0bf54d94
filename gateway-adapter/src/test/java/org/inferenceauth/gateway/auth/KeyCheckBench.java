package org.inferenceauth.gateway.auth;

import java.util.Set;
import org.inferenceauth.apikey.format.ApiKeyFormat;
import org.inferenceauth.gateway.auth.apikey.ApiKeyFormatPrecheck;
import org.inferenceauth.gateway.auth.cache.KeyHash;

/**
 * A benchmark, not a test: what every request with a cached API key pays before the cache answers
 * (the offline format and checksum check, the key's SHA-256 for the cache) and after it (may this
 * identity use the model). Run it on a jar's classes to compare two builds:
 * {@code java -cp inference-gateway.jar:target/test-classes org.inferenceauth.gateway.auth.KeyCheckBench}.
 * Nothing asserts on the numbers.
 */
public final class KeyCheckBench {

    public static void main(String[] args) {
        String key = ApiKeyFormat.defaultFormat().generate().token();
        ApiKeyFormatPrecheck precheck = new ApiKeyFormatPrecheck(Set.of(ApiKeyFormat.DEFAULT_PREFIX));
        Identity identity = new Identity(Identity.Kind.API_KEY, "s-1", "ann", "personal", "k1", "gateway",
                Set.of("inference", "offline_access"), null, null);
        long sink = 0;
        for (int round = 1; round <= 5; round++) { // the first rounds warm the JIT up
            int n = 2_000_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += precheck.plausible(key) ? 1 : 0;
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += KeyHash.digest(key)[i & 31];
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += identity.mayUseModel("bench-model") ? 1 : 0;
            }
            long t3 = System.nanoTime();
            System.out.printf("round %d: format check %.0f ns, SHA-256 for the cache %.0f ns, model allowed %.0f ns%n",
                    round, (t1 - t0) / (double) n, (t2 - t1) / (double) n, (t3 - t2) / (double) n);
        }
        if (sink == 42) {
            System.out.println(); // keeps the JIT from dropping the work
        }
    }
}
