package org.inferenceauth.gateway.proxy;

/** Where a response tap reports the upstream's token counts (each report replaces the previous: running totals). */
@FunctionalInterface
interface TokenSink {

    void tokens(long promptTokens, long completionTokens);
}
