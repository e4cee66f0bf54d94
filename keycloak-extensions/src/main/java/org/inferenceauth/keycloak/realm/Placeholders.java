package org.inferenceauth.keycloak.realm;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spots what {@code kc.sh --import-realm} leaves behind when a variable of the realm file was not
 * set. The import replaces {@code ${VAR}} and {@code ${VAR:default}} from the environment and keeps
 * an unset {@code ${VAR}} (without default) literally. URIs that the import validates cannot stay
 * literal (Keycloak 26.7 refuses to start: "A redirect URI is not a valid URI"), so the realm file
 * gives them the inert default {@value #UNSET_URI}{@code <VAR>} ({@code .invalid} never resolves,
 * RFC 6761). Keycloak's own vault references ({@code ${vault.key}}) are meant to stay.
 */
final class Placeholders {

    /** The default of a URI variable in the realm file, followed by the variable's name. */
    static final String UNSET_URI = "https://unset.invalid/";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern UNSET = Pattern.compile(Pattern.quote(UNSET_URI) + "([A-Za-z_][A-Za-z0-9_]*)");

    private Placeholders() {}

    /** The variable of the first unresolved placeholder in {@code value} ({@code CILOGON_CLIENT_ID}), if any. */
    static Optional<String> unresolvedVariable(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = PLACEHOLDER.matcher(value);
        while (m.find()) {
            String expression = m.group(1).trim();
            if (!expression.startsWith("vault.")) {
                int colon = expression.indexOf(':');
                return Optional.of(colon >= 0 ? expression.substring(0, colon) : expression);
            }
        }
        Matcher unset = UNSET.matcher(value);
        return unset.find() ? Optional.of(unset.group(1)) : Optional.empty();
    }
}
