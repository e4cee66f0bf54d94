package org.inferenceauth.keycloak.keys;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;

/**
 * The inference API's base URL that key dialogs show in their usage examples (realm attribute
 * {@value #ATTRIBUTE}). Unlike the other settings it has no default: Keycloak cannot know where the
 * gateway lives, and a guessed URL in a copy-paste example is worse than none. So it has three
 * states: set (the URL), unset, and invalid (a problem the console shows, never the raw value).
 *
 * @param url     the URL without trailing slashes, or null
 * @param problem why the configured value is not used, or null when it is used or unset
 */
public record ApiBaseUrl(String url, String problem) {

    public static final String ATTRIBUTE = ApiKeySettings.PREFIX + "apiBaseUrl";
    static final int MAX_LENGTH = 2048;

    private static final Logger LOG = Logger.getLogger(ApiBaseUrl.class);
    private static final ApiBaseUrl UNSET = new ApiBaseUrl(null, null);

    public static ApiBaseUrl of(RealmModel realm) {
        ApiBaseUrl answer = parse(realm.getAttribute(ATTRIBUTE));
        if (answer.problem() != null) {
            LOG.warnf("Realm %s: ignoring %s: %s", realm.getName(), ATTRIBUTE, answer.problem());
        }
        return answer;
    }

    /**
     * An absolute http(s) URL with a host; no user info (it would show a password to every user), no
     * query or fragment (the examples append paths). Blank means unset.
     */
    static ApiBaseUrl parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return UNSET;
        }
        String value = raw.trim();
        if (value.length() > MAX_LENGTH) {
            return invalid("is longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return invalid("is not a URL (an unset variable in the realm import?)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return invalid("is not an absolute http(s) URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return invalid("has no host");
        }
        if (uri.getRawUserInfo() != null) {
            return invalid("holds user info (a user name or password), which every user would see");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return invalid("has a query or fragment; give the base URL only, e.g. https://inference.example.edu/v1");
        }
        return new ApiBaseUrl(value.replaceAll("/+$", ""), null);
    }

    private static ApiBaseUrl invalid(String why) {
        return new ApiBaseUrl(null, ATTRIBUTE + " " + why);
    }
}
