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

    <T> CompletionStage<T> run(RedisAsyncCommands<String, String> redis, String[] keys, String... args) {
        CompletableFuture<T> first = redis.<T>evalsha(sha, output, keys, args).toCompletableFuture();
        return first.exceptionallyCompose(error -> unwrap(error) instanceof RedisNoScriptException
                ? redis.<T>eval(source, output, keys, args).toCompletableFuture()
                : CompletableFuture.failedFuture(error));
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** Adds one below a limit; the counter's time to live is set when it has none. Returns {allowed, value}. */
    static final RedisScript TAKE_IF_BELOW = new RedisScript("""
            local v = tonumber(redis.call('GET', KEYS[1]) or '0')
            if v >= tonumber(ARGV[1]) then return {0, v} end
            v = redis.call('INCR', KEYS[1])
            if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return {1, v}
            """, ScriptOutputType.MULTI);

    /** Adds an amount; the counter's time to live is set when it has none. */
    static final RedisScript ADD = new RedisScript("""
            local v = redis.call('INCRBY', KEYS[1], ARGV[1])
            if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return v
            """, ScriptOutputType.INTEGER);

    /**
     * Leases in a sorted set scored by expiry (Redis's own clock, so replicas' clocks do not matter):
     * expired leases go, then a new one if fewer than ARGV[1] remain. Returns 1 granted, 0 full.
     */
    static final RedisScript ACQUIRE = new RedisScript("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """, ScriptOutputType.INTEGER);

    /** Extends this replica's leases (ARGV[2..]) by ARGV[1] ms; a lease that already expired stays gone. */
    static final RedisScript RENEW = new RedisScript("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local ttl = tonumber(ARGV[1])
            for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[i]) end
            redis.call('PEXPIRE', KEYS[1], ttl)
            return 1
            """, ScriptOutputType.INTEGER);

    /** Leases not yet expired. */
    static final RedisScript IN_USE = new RedisScript("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
            """, ScriptOutputType.INTEGER);
}
