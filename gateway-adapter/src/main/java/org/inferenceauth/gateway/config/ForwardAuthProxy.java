package org.inferenceauth.gateway.config;

/**
 * The proxy in front that asks {@code /auth}, and so the one place the original request is read
 * from. Never a guess among headers: nginx and Traefik hand the client's own headers to the check
 * request, so any header the configured proxy does not set itself is the client's word.
 */
public enum ForwardAuthProxy {
    /** nginx {@code auth_request}: {@code X-Original-URI} and {@code X-Original-Method}, set by the snippet. */
    NGINX,
    /** Traefik ForwardAuth: {@code X-Forwarded-Uri} and {@code X-Forwarded-Method}, set by Traefik. */
    TRAEFIK,
    /** Envoy ext_authz HTTP service: the original path appended to {@code /auth}, the original method as the check's. */
    ENVOY
}
