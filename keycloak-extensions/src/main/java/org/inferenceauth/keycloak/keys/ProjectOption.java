package org.inferenceauth.keycloak.keys;

/** A project a user may mint keys for: {@code personal}, or a project group they belong to. */
public record ProjectOption(String id, String name) {

    public static final String PERSONAL = "personal";
}
