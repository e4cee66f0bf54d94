package org.inferenceauth.gateway.routing;

import java.net.URI;

/**
 * One OpenAI-compatible server, known by its API base URL (what an SDK would use as base URL,
 * e.g. {@code http://10.0.0.5:8001/v1} or {@code http://site/llama/v1}).
 *
 * @param authority the {@code Host} header's value: the port only where it is not the scheme's own
 * @param label     a short label for logs and metrics; never contains credentials (URLs are
 *                  validated without user info)
 */
public record Upstream(URI baseUrl, String host, int port, boolean ssl, String basePath, String authority,
                       String label) {

    public static Upstream of(URI baseUrl) {
        boolean ssl = "https".equalsIgnoreCase(baseUrl.getScheme());
        int port = baseUrl.getPort() > 0 ? baseUrl.getPort() : ssl ? 443 : 80;
        String raw = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        String path = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        String host = baseUrl.getHost();
        // Both are per request (Host header, metrics label): built once here.
        return new Upstream(baseUrl, host, port, ssl, path, port == (ssl ? 443 : 80) ? host : host + ":" + port,
                host + ":" + port + path);
    }

    /** Maps a client path under {@code /v1} (and its query, if any) onto this upstream. */
    public String uriFor(String clientPath, String query) {
        String tail = clientPath.startsWith("/v1") ? clientPath.substring(3) : clientPath;
        return basePath + tail + (query == null ? "" : "?" + query);
    }
}
