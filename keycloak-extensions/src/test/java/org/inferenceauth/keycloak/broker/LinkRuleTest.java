package org.inferenceauth.keycloak.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A first institutional login links silently to an existing account only with a verified, trusted email")
class LinkRuleTest {

    static final String EMAIL = "ada@example.edu";

    @Test
    @DisplayName("given a trusted provider and an account found by its verified email, then it links")
    void links() {
        assertThat(LinkRule.linksSilently(true, null, EMAIL, true, "Ada@Example.edu", true, false)).isTrue();
        assertThat(LinkRule.linksSilently(true, true, EMAIL, true, EMAIL, true, false)).isTrue();
    }

    @Test
    @DisplayName("given the account's email is not verified, then it does not link")
    void accountUnverified() {
        assertThat(LinkRule.linksSilently(true, null, EMAIL, true, EMAIL, false, false)).isFalse();
    }

    @Test
    @DisplayName("given the provider's email is not trusted, then it does not link")
    void providerNotTrusted() {
        assertThat(LinkRule.linksSilently(false, true, EMAIL, true, EMAIL, true, false)).isFalse();
    }

    @Test
    @DisplayName("given the institution says email_verified=false, then it does not link")
    void upstreamUnverified() {
        assertThat(LinkRule.linksSilently(true, false, EMAIL, true, EMAIL, true, false)).isFalse();
    }

    @Test
    @DisplayName("given the account was found by username, or the emails differ, or no email came, then it does not link")
    void notTheSameEmail() {
        assertThat(LinkRule.linksSilently(true, null, EMAIL, false, EMAIL, true, false)).isFalse();
        assertThat(LinkRule.linksSilently(true, null, EMAIL, true, "other@example.edu", true, false)).isFalse();
        assertThat(LinkRule.linksSilently(true, null, " ", true, " ", true, false)).isFalse();
        assertThat(LinkRule.linksSilently(true, null, null, true, null, true, false)).isFalse();
    }

    @Test
    @DisplayName("given the account is a client's service account, then it never links")
    void serviceAccount() {
        assertThat(LinkRule.linksSilently(true, null, EMAIL, true, EMAIL, true, true)).isFalse();
    }

    @Test
    @DisplayName("the email_verified claim is read as a boolean, or as absent when it is something else")
    void emailVerifiedClaim() {
        assertThat(LinkRule.emailVerifiedClaim(Boolean.TRUE)).isTrue();
        assertThat(LinkRule.emailVerifiedClaim("FALSE")).isFalse();
        assertThat(LinkRule.emailVerifiedClaim("yes")).isNull();
        assertThat(LinkRule.emailVerifiedClaim(null)).isNull();
    }
}
