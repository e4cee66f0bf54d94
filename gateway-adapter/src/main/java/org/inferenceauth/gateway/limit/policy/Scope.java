package org.inferenceauth.gateway.limit.policy;

/**
 * One payer of a request: the person, the project or the key, with the limits that apply to it.
 *
 * @param id who exactly: a user id ({@code sub}) or {@code email:<address>}, a project name, a key id;
 *           never a secret. Stores key their counters by kind and id.
 */
public record Scope(Kind kind, String id, LimitSet limits) {

    public enum Kind {
        USER("user"), PROJECT("project"), KEY("key");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** As answers, reports and metric labels name it. */
        public String label() {
            return label;
        }
    }

    /** The stores' name for this payer: kind and id, so a project and a user of the same name never share. */
    public String storeKey() {
        return kind.label() + ":" + id;
    }
}
