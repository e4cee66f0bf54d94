package org.inferenceauth.gateway.errors;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answer in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, with
 * its status and headers. OpenAI SDKs turn the status into their exception types
 * (401 → AuthenticationException, 403 → PermissionDeniedException, …) and read these fields.
 * Messages never contain the presented credential.
 */
public record OpenAiError(int status, String message, String type, String param, String code,
                          Map<String, String> headers) {

    public OpenAiError {
        headers = Map.copyOf(headers);
    }

    public JsonObject toJson() {
        JsonObject error = new JsonObject()
                .put("message", message)
                .put("type", type)
                .put("param", param)
                .put("code", code);
        return new JsonObject().put("error", error);
    }

    public String body() {
        return toJson().encode();
    }

    /**
     * No credential at all (RFC 6750 §3.1: no error code in the challenge).
     *
     * @param realm the Keycloak realm's name, for the challenge's {@code realm} parameter
     */
    public static OpenAiError missingCredential(String realm) {
        return new OpenAiError(401,
                "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' (or in an x-api-key header).",
                "invalid_request_error", null, "invalid_api_key",
                Map.of("www-authenticate", "Bearer realm=" + quoted(realm)));
    }

    /** A credential that is malformed, unknown, revoked, expired or has a bad signature. */
    public static OpenAiError invalidCredential(String realm) {
        return new OpenAiError(401,
                "Incorrect API key provided, or the key was revoked or has expired.",
                "invalid_request_error", null, "invalid_api_key",
                Map.of("www-authenticate", "Bearer realm=" + quoted(realm) + ", error=\"invalid_token\", "
                        + "error_description=\"The access token is invalid, revoked or expired\""));
    }

    /**
     * A shared key of the open API past its sunset: final (no retry helps), and the message says
     * where a personal key comes from.
     */
    public static OpenAiError retiredSharedKey(String realm, java.time.LocalDate retiredOn, java.net.URI personalKeyUrl) {
        return new OpenAiError(401, "This shared API key was retired on " + retiredOn + ". Get a personal API key"
                + (personalKeyUrl == null ? " from the service's operators" : " at " + personalKeyUrl)
                + " and send it instead.", "invalid_request_error", null, "invalid_api_key",
                Map.of("www-authenticate", "Bearer realm=" + quoted(realm) + ", error=\"invalid_token\", "
                        + "error_description=\"The shared key was retired\""));
    }

    /**
     * Service credentials Keycloak refused (unknown client, wrong secret, no service account) or
     * that cannot be read. Sent as HTTP Basic, the challenge is Basic's (RFC 7617), so curl and
     * HTTP libraries recognise it; otherwise the gateway's Bearer challenge.
     */
    public static OpenAiError invalidServiceCredential(String realm, boolean basic) {
        return new OpenAiError(401,
                "Incorrect client id or client secret provided (service credentials).",
                "invalid_request_error", null, "invalid_api_key",
                Map.of("www-authenticate", basic
                        ? "Basic realm=" + quoted(realm) + ", charset=\"UTF-8\""
                        : "Bearer realm=" + quoted(realm) + ", error=\"invalid_token\", "
                                + "error_description=\"The client id or client secret is invalid\""));
    }

    /** Different credentials in one request (RFC 6750 §3.1: invalid_request is a 400). */
    public static OpenAiError ambiguousCredential(String realm) {
        return new OpenAiError(400, "The request carries more than one credential. Send exactly one API key or token.",
                "invalid_request_error", null, "multiple_credentials",
                Map.of("www-authenticate", "Bearer realm=" + quoted(realm) + ", error=\"invalid_request\", "
                        + "error_description=\"More than one credential\""));
    }

    /** The request's source presented too many keys Keycloak refused: unknown keys are not checked for a while. */
    public static OpenAiError tooManyFailedAuthentications(Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("retry-after", Long.toString(seconds));
        headers.put("retry-after-ms", Long.toString(Math.max(1, retryAfter.toMillis())));
        return new OpenAiError(429, "Too many failed authentications from your address. Please try again in " + seconds + "s.",
                "requests", null, "too_many_failed_authentications", headers);
    }

    /** A path the gateway cannot read: a malformed %-escape. */
    public static OpenAiError invalidPath() {
        return new OpenAiError(400, "The request path is not a valid URL path (a malformed %-escape).",
                "invalid_request_error", null, "invalid_path", Map.of());
    }

    public static OpenAiError modelNotAllowed(String model) {
        return new OpenAiError(403, "This API key may not use the model '" + safe(model) + "'.",
                "invalid_request_error", "model", "model_not_allowed", Map.of());
    }

    public static OpenAiError pathNotAllowed(String path) {
        return new OpenAiError(403, "This gateway does not serve " + safe(path) + ".",
                "invalid_request_error", null, "path_not_allowed", Map.of());
    }

    /** Keycloak could not be asked and nothing is cached for this credential. */
    public static OpenAiError authUnavailable(Duration retryAfter) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("retry-after", Long.toString(Math.max(1, retryAfter.toSeconds())));
        headers.put("retry-after-ms", Long.toString(retryAfter.toMillis()));
        return new OpenAiError(503, "The credential could not be verified right now. Please retry shortly.",
                "server_error", null, "auth_unavailable", headers);
    }

    /**
     * A rate limit (a request or token window, or concurrency) is reached: the SDKs retry after
     * {@code retry-after(-ms)}, which {@code headers} carry with the {@code x-ratelimit-*} headers.
     *
     * @param type {@code requests} or {@code tokens}, as OpenAI types its 429s
     */
    public static OpenAiError rateLimited(String message, String type, Map<String, String> headers) {
        return new OpenAiError(429, message, type, null, "rate_limit_exceeded", headers);
    }

    /**
     * A day or month budget is spent: retrying before it resets cannot succeed, so SDKs are told not
     * to ({@code x-should-retry: false}); {@code retry-after} still says when it resets.
     */
    public static OpenAiError insufficientQuota(String message, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("x-should-retry", "false");
        return new OpenAiError(429, message, "insufficient_quota", null, "insufficient_quota", all);
    }

    /** A per-request cap ({@code max_tokens}, {@code n}) is exceeded. */
    public static OpenAiError integerAboveMax(String param, long value, long max) {
        return new OpenAiError(400, "Invalid '" + param + "': integer above maximum value. Expected a value <= " + max
                + ", but got " + value + " instead.", "invalid_request_error", param, "integer_above_max_value", Map.of());
    }

    public static OpenAiError unknownUrl(String method, String path) {
        return new OpenAiError(404, "Invalid URL (" + method + " " + safe(path) + ")",
                "invalid_request_error", null, "unknown_url", Map.of());
    }

    public static OpenAiError modelNotFound(String model) {
        return new OpenAiError(404, "The model '" + safe(model) + "' does not exist or you do not have access to it.",
                "invalid_request_error", "model", "model_not_found", Map.of());
    }

    public static OpenAiError missingModel() {
        return new OpenAiError(400, "You must provide a model parameter.",
                "invalid_request_error", "model", "missing_required_parameter", Map.of());
    }

    public static OpenAiError ambiguousModel() {
        return new OpenAiError(400, "The request names its model more than once (a repeated or differently-cased 'model' key).",
                "invalid_request_error", "model", "invalid_value", Map.of());
    }

    public static OpenAiError invalidJson() {
        return new OpenAiError(400, "We could not parse the JSON body of your request. The body must be a JSON object.",
                "invalid_request_error", null, "invalid_json", Map.of());
    }

    /** A {@code Transfer-Encoding} other than {@code chunked}: the body's end would be ambiguous. */
    public static OpenAiError unsupportedTransferEncoding() {
        return new OpenAiError(400, "Only 'Transfer-Encoding: chunked' is accepted for request bodies.",
                "invalid_request_error", null, "unsupported_transfer_encoding", Map.of());
    }

    public static OpenAiError bodyTooLarge(long limit) {
        return new OpenAiError(413, "The request body is larger than this gateway accepts (" + limit + " bytes).",
                "invalid_request_error", null, "request_too_large", Map.of());
    }

    public static OpenAiError upstreamUnreachable() {
        return new OpenAiError(502, "The inference server could not be reached.",
                "server_error", null, "upstream_unavailable", Map.of());
    }

    /** The upstream failed after the response had started (sent as a final SSE event). */
    public static OpenAiError upstreamBrokeOff() {
        return new OpenAiError(502, "The inference server stopped in the middle of the response.",
                "server_error", null, "upstream_disconnected", Map.of());
    }

    /**
     * The upstream refused the gateway's own upstream key: a misconfiguration of the service, which
     * retrying does not mend (the OpenAI SDKs honour {@code x-should-retry: false}).
     */
    public static OpenAiError upstreamAuthFailed() {
        return new OpenAiError(502, "The inference server refused this gateway's own credentials. This is a configuration "
                + "problem of the service, not of your API key; please tell its operators.",
                "server_error", null, "upstream_auth_failed", Map.of("x-should-retry", "false"));
    }

    public static OpenAiError upstreamTimeout() {
        return new OpenAiError(504, "The inference server did not answer in time.",
                "server_error", null, "upstream_timeout", Map.of());
    }

    public static OpenAiError noUpstream() {
        return new OpenAiError(503, "No inference server is configured for this request.",
                "server_error", null, "upstream_unavailable", Map.of("retry-after", "5"));
    }

    /**
     * An RFC 9110 quoted-string: backslash and double quote escaped, control characters dropped, and
     * anything beyond ASCII as %-escaped UTF-8 (header values are bytes; a realm name need not be ASCII).
     */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x80) {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else if (c >= 0x20 && c != 0x7f) {
                if (c == '"' || c == '\\') {
                    out.append('\\');
                }
                out.append((char) c);
            }
        }
        return out.append('"').toString();
    }

    private static String safe(String text) {
        return text == null ? "" : ClientText.clip(text);
    }
}
