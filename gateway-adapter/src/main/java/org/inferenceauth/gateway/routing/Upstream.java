package org.inferenceauth.gateway.routing;

import java.net.URI;

/**
 * One OpenAI-compatible server, known by its API base URL (what an SDK would use as base URL,
 * e.g. {@code http://10.0.0.5:8001/v1} or {@code http://site/llama/v1}).
 */
public record Upstream(URI baseUrl, String host, int port, boolean ssl, String basePath) {

    public static Upstream of(URI baseUrl) {
        boolean ssl = "https".equalsIgnoreCase(baseUrl.getScheme());
        int port = baseUrl.getPort() > 0 ? baseUrl.getPort() : ssl ? 443 : 80;
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        return new Upstream(baseUrl, baseUrl.getHost(), port, ssl, path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    }

    /** Maps a client path under {@code /v1} (and its query, if any) onto this upstream. */
    public String uriFor(String clientPath, String query) {
        String tail = clientPath.startsWith("/v1") ? clientPath.substring(3) : clientPath;
        return basePath + tail + (query == null ? "" : "?" + query);
    }

    /** The {@code Host} header's value: the port only where it is not the scheme's own. */
    public String authority() {
        return port == (ssl ? 443 : 80) ? host : host + ":" + port;
    }

    /** A short label for logs and metrics; never contains credentials (URLs are validated without user info). */
    public String label() {
        return host + ":" + port + basePath;
    }
}
