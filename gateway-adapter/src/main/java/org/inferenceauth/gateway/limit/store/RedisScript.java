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
