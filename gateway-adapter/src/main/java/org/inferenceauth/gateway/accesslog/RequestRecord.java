package org.inferenceauth.gateway.accesslog;

import org.inferenceauth.gateway.auth.Identity;

/** What the access log and the request metrics say about one request; filled in as it proceeds. */
public final class RequestRecord {

    public final long startedNanos = System.nanoTime();
    public final String method;
    public final String path;
    public String route = "rejected";
    public String authMethod = "none";
    public String authOutcome;
    public Identity identity;
    public String model;
    public String upstream;
    public String errorCode;

    public RequestRecord(String method, String path) {
        this.method = method;
        this.path = path;
    }
}
