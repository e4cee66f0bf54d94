package org.inferenceauth.gateway.usage;

/**
 * What one aggregate row is counted under (docs/usage-contract.md): the UTC day, the channel
 * ({@code api} or {@code ui}), the person ({@code userId}, and on {@code ui} the email the web UI
 * named), the key or client, the project and the model label. {@code null} means absent.
 */
public record UsageKey(long epochDay, String channel, String userId, String userEmail, String keyId,
                       String clientId, String project, String model) {}
