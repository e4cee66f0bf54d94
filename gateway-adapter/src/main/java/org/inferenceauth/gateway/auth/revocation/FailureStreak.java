package org.inferenceauth.gateway.auth.revocation;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * A call repeated every poll interval, logged once when it starts failing and once when it works
 * again: through an outage it would otherwise log every second.
 */
final class FailureStreak {

    private final Logger log;
    private final String failedMessage;
    private final String recoveredMessage;
    private volatile boolean failing;

    /**
     * @param failedMessage    logged (a warning) with the first failure's message appended
     * @param recoveredMessage logged (info) at the first success after failures
     */
    FailureStreak(Logger log, String failedMessage, String recoveredMessage) {
        this.log = log;
        this.failedMessage = failedMessage;
        this.recoveredMessage = recoveredMessage;
    }

    void failed(Throwable cause) {
        if (!failing) {
            log.log(Level.WARNING, failedMessage + cause.getMessage());
            failing = true;
        }
    }

    /** Whether this success ends a streak of failures. */
    boolean succeeded() {
        if (!failing) {
            return false;
        }
        log.log(Level.INFO, recoveredMessage);
        failing = false;
        return true;
    }
}
