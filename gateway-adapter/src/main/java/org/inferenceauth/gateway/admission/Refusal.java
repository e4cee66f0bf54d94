package org.inferenceauth.gateway.admission;

import org.inferenceauth.gateway.errors.OpenAiError;

/** A front door's input cannot be admitted (a body that is too large, not JSON, without a model…): this answer. */
public final class Refusal extends RuntimeException {

    private final OpenAiError error;

    public Refusal(OpenAiError error) {
        super(error.code(), null, false, false);
        this.error = error;
    }

    public OpenAiError error() {
        return error;
    }
}
