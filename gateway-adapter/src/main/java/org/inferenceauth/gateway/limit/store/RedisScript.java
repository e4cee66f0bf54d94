package org.inferenceauth.gateway.limit.store;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A Lua script run by its SHA-1 (EVALSHA), sent whole only when Redis does not know it (after a restart). */
final class RedisScript {


    /** Redis's own clock in milliseconds: the same for every replica, whatever their clocks say. */
    static final String NOW = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            """;

    /**
     * After {@link #NOW}: a rolling window's hash {@code {t = units, at = ms of the last refill}}, read
     * refilled up to now (nil when the bucket is gone, i.e. full), and written back with a time to
     * live of when it would be full again plus 10 s.
     */
    static final String WINDOWS = """
            local function readWindow(key, cap, refill, period)
              local h = redis.call('HMGET', key, 't', 'at')
              local v, at = tonumber(h[1]), tonumber(h[2])
              if v == nil or at == nil then return nil, now end
              if now > at then v, at = math.min(cap, v + (now - at) * refill / period), now end
              return v, at
            end
            local function writeWindow(key, v, at, cap, refill, period)
              redis.call('HSET', key, 't', string.format('%.17g', v), 'at', at)
              redis.call('PEXPIRE', key, math.max(1, math.ceil((cap - v) * period / refill)) + 10000)
            end
            """;

    private final String source;
    private final String sha;
    private final ScriptOutputType output;

    RedisScript(String source, ScriptOutputType output) {
        this.source = source;
        this.output = output;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    <K, V, T> CompletionStage<T> run(RedisAsyncCommands<K, V> redis, K[] keys, V[] args) {
        CompletableFuture<T> first = redis.<T>evalsha(sha, output, keys, args).toCompletableFuture();
        return first.exceptionallyCompose(error -> unwrap(error) instanceof RedisNoScriptException
                ? redis.<T>eval(source, output, keys, args).toCompletableFuture()
                : CompletableFuture.failedFuture(error));
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
