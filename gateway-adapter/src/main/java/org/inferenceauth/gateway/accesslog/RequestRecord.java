package org.inferenceauth.gateway.accesslog;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.limit.LimitCharge;

/** What the access log and the request metrics say about one request; filled in as it proceeds. */
public final class RequestRecord {

    private static final HexFormat HEX = HexFormat.of();

    public final long startedNanos = System.nanoTime();
    /** The gateway's id for this request: sent upstream as X-Request-Id (vLLM's request id) and back to the client. */
    public final String requestId = newRequestId();
    public final String method;
    public final String path;
    public String route = "rejected";
    public String authMethod = "none";
    public String authOutcome;
    /** The path the request is about: its own, or for forward-auth the original request's (without query). */
    public String target;
    /** Why migration settings let it through (the audit reason, the legacy subnet) or the legacy key's label. */
    public String migration;
    public Identity identity;
    public String model;
    public String upstream;
    public String errorCode;
    /** Tokens from the upstream's {@code usage}, as far as seen (0 when it sent none). */
    public volatile long promptTokens;
    public volatile long completionTokens;
    /** The person a configured web UI named in {@code X-OpenWebUI-User-Email}; for usage and limits, never logged. */
    public String webUiUserEmail;
    /** What the request owes its payers' limits when it ends (tokens, concurrency slots); null if refused. */
    public LimitCharge limitCharge;

    public RequestRecord(String method, String path) {
        this.method = method;
        this.path = path;
        this.target = path;
    }

    /** 128 random bits as 32 hex digits: unique, not a secret, so no SecureRandom on the hot path. */
    private static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
    }
}
