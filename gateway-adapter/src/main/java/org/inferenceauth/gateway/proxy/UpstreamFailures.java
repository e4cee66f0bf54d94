package org.inferenceauth.gateway.proxy;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.inferenceauth.gateway.errors.OpenAiError;

/** Maps a failed upstream call to the answer the client gets: 504 for a timeout, 502 otherwise. */
final class UpstreamFailures {

    private UpstreamFailures() {}

    static OpenAiError toError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return OpenAiError.upstreamUnreachable(); // includes Netty's ConnectTimeoutException
            }
            if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return OpenAiError.upstreamTimeout();
            }
        }
        return OpenAiError.upstreamUnreachable();
    }
}
