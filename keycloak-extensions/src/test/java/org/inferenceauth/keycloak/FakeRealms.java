package org.inferenceauth.keycloak;

import java.lang.reflect.Proxy;
import java.util.Map;
import org.keycloak.models.RealmModel;

/** Realms for unit tests of settings: they answer getAttribute and getName, nothing else. */
public final class FakeRealms {

    private FakeRealms() {}

    public static RealmModel withAttributes(Map<String, String> attributes) {
        return (RealmModel) Proxy.newProxyInstance(RealmModel.class.getClassLoader(), new Class<?>[] {RealmModel.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "getName" -> "test";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
