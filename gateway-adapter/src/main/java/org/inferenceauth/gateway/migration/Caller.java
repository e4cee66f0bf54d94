package org.inferenceauth.gateway.migration;

/**
 * Where a call without a personal credential comes from, as the migration log names it.
 *
 * @param address   the client's address as the gateway resolves it (trusted proxies' X-Forwarded-For)
 * @param userAgent the client's {@code User-Agent}, or null
 * @param path      the path the call is for (forward-auth: the original request's), without query
 */
public record Caller(String address, String userAgent, String path) {}
