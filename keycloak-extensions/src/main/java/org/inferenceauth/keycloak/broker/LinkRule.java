package org.inferenceauth.keycloak.broker;

/**
 * When a first login through an institution may be linked to an existing account without asking:
 * only if the account was found by its email, that email is verified, the provider's emails are
 * trusted (the realm's "Trust email" of the provider) and the institution did not itself say the
 * email is unverified. Anything else is confirmed by logging into the existing account.
 */
final class LinkRule {

    private LinkRule() {}

    /**
     * @param providerTrustsEmail   the identity provider's "Trust email" setting
     * @param upstreamEmailVerified the {@code email_verified} claim, {@code null} when absent (as at CILogon)
     * @param brokeredEmail         the email the institution asserted
     * @param foundByEmail          whether Keycloak found the existing account by email (not by username)
     * @param accountEmail          the existing account's email
     * @param accountEmailVerified  whether the existing account's email is verified
     * @param serviceAccount        whether the existing account is a client's service account
     */
    static boolean linksSilently(boolean providerTrustsEmail, Boolean upstreamEmailVerified, String brokeredEmail,
                                 boolean foundByEmail, String accountEmail, boolean accountEmailVerified,
                                 boolean serviceAccount) {
        return providerTrustsEmail
                && !Boolean.FALSE.equals(upstreamEmailVerified)
                && brokeredEmail != null && !brokeredEmail.isBlank()
                && foundByEmail
                && brokeredEmail.equalsIgnoreCase(accountEmail)
                && accountEmailVerified
                && !serviceAccount;
    }

    /** The {@code email_verified} claim as a boolean: {@code null} when absent or not a boolean. */
    static Boolean emailVerifiedClaim(Object claim) {
        if (claim instanceof Boolean b) {
            return b;
        }
        if (claim != null && ("true".equalsIgnoreCase(claim.toString()) || "false".equalsIgnoreCase(claim.toString()))) {
            return Boolean.valueOf(claim.toString());
        }
        return null;
    }
}
