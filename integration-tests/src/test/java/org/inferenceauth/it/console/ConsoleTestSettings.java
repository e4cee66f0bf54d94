package org.inferenceauth.it.console;

import org.inferenceauth.testkit.TestRealm;

/** Values the browser tests expect to see, as the test harness configures Keycloak. */
final class ConsoleTestSettings {

    /** {@code INFERENCE_API_BASE_URL} of the Keycloak under test (set by {@link TestRealm#environment()}). */
    static final String INFERENCE_API_BASE_URL = TestRealm.INFERENCE_API_BASE_URL;

    private ConsoleTestSettings() {}
}
