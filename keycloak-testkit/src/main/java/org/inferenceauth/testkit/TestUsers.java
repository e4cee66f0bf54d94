package org.inferenceauth.testkit;

import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/** Creates throw-away users in a realm through the admin API, each with a unique name. */
public final class TestUsers {

    public static final String PASSWORD = "Correct-Horse-7";

    private TestUsers() {}

    /** A new enabled user with a verified email and {@link #PASSWORD}; returns it with its id. */
    public static UserRepresentation create(RealmResource realm, String namePrefix) {
        String username = namePrefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEmail(username + "@example.edu");
        user.setEmailVerified(true);
        user.setFirstName("Test");
        user.setLastName(namePrefix);
        user.setEnabled(true);
        user.setCredentials(List.of(password(PASSWORD)));
        try (Response response = realm.users().create(user)) {
            user.setId(CreatedResponseUtil.getCreatedId(response));
        }
        return user;
    }

    /** A permanent password credential, for a user representation to be created. */
    public static CredentialRepresentation password(String value) {
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue(value);
        password.setTemporary(false);
        return password;
    }
}
