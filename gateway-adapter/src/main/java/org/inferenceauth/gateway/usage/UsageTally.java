package org.inferenceauth.gateway.usage;

/** The counters of one {@link UsageKey}; changed only inside the ledger map's per-key lock. */
final class UsageTally {

    private long requests;
    private long refused;
    private long promptTokens;
    private long completionTokens;
    private long lastUsed;

    UsageTally add(boolean wasRefused, long prompt, long completion, long epochSecond) {
        if (wasRefused) {
            refused++;
        } else {
            requests++;
        }
        promptTokens += prompt;
        completionTokens += completion;
        lastUsed = Math.max(lastUsed, epochSecond);
        return this;
    }

    UsageEntry toEntry(UsageKey key) {
        return new UsageEntry(key, requests, refused, promptTokens, completionTokens, lastUsed);
    }
}
