package org.inferenceauth.gateway.admission;

import java.util.Map;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.errors.OpenAiError;

/** The outcome of {@link Admission}: let the request through as this identity, or answer this error. */
public sealed interface Verdict {

    /** @param headers what every answer to the request tells the caller (its rate-limit budget) */
    record Admitted(Identity identity, Map<String, String> headers) implements Verdict {}

    record Refused(OpenAiError error) implements Verdict {}
}
