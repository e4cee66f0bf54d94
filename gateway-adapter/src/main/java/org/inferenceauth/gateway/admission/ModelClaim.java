package org.inferenceauth.gateway.admission;

import org.inferenceauth.gateway.limit.policy.RequestCaps;

/** What a front door can tell about the model a request will use, for the scope check. */
public sealed interface ModelClaim {

    /**
     * The request names this model (the proxy read it from the JSON body).
     *
     * @param asked what the body asks for that per-request caps limit
     */
    record Named(String model, RequestCaps.Asked asked) implements ModelClaim {

        public Named(String model) {
            this(model, RequestCaps.Asked.NOTHING);
        }
    }

    /** The model cannot be seen (forward-auth never sees the body; multipart uploads are not read): a model-scoped key fails closed. */
    record Unseen(String why) implements ModelClaim {}

    /** No model is used (listing models, which is filtered by scope when answered). */
    record NotNeeded() implements ModelClaim {}

    ModelClaim NOT_NEEDED = new NotNeeded();
}
