package org.inferenceauth.keycloak.grant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.inferenceauth.keycloak.keys.ValidatedKey;
import org.inferenceauth.keycloak.limits.LimitSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.AccessToken;

@DisplayName("A token bought with a key is cut down to what the inference API needs")
class ApiKeyGrantTypeTest {

    static final long NOW = 1_800_000_000L;

    static AccessToken tokenOfAnAdmin(long exp) {
        AccessToken token = new AccessToken();
        token.exp(exp);
        token.setRealmAccess(new AccessToken.Access().roles(Set.of("inference-user", "admin", "offline_access")));
        token.addAccess("realm-management").addRole("manage-users");
        token.addAccess("account").addRole("manage-account");
        return token;
    }

    static ValidatedKey key(Long expiresAt) {
        return new ValidatedKey(null, "abcdefABCDEF", "sdk", "personal", List.of(), NOW - 60, expiresAt, "svc",
                LimitSet.EMPTY);
    }

    @Test
    @DisplayName("it ends when the key ends, if the key ends first")
    void expiresWithTheKey() {
        AccessToken token = tokenOfAnAdmin(NOW + 300);
        ApiKeyGrantType.narrow(token, key(NOW + 10), "inference-user");
        assertThat(token.getExp()).isEqualTo(NOW + 10);
    }

    @Test
    @DisplayName("a key that lives longer, or never expires, does not lengthen the token")
    void neverLongerThanTheRealmAllows() {
        AccessToken later = tokenOfAnAdmin(NOW + 300);
        ApiKeyGrantType.narrow(later, key(NOW + 86_400), "inference-user");
        AccessToken never = tokenOfAnAdmin(NOW + 300);
        ApiKeyGrantType.narrow(never, key(null), "inference-user");
        assertThat(later.getExp()).isEqualTo(NOW + 300);
        assertThat(never.getExp()).isEqualTo(NOW + 300);
    }

    @Test
    @DisplayName("it names the key, keeps only the required realm role and drops every client role")
    void onlyTheRequiredRole() {
        AccessToken token = tokenOfAnAdmin(NOW + 300);
        ApiKeyGrantType.narrow(token, key(null), "inference-user");
        assertThat(token.getOtherClaims()).containsEntry("api_key_id", "abcdefABCDEF");
        assertThat(token.getRealmAccess().getRoles()).containsExactly("inference-user");
        assertThat(token.getResourceAccess()).isEqualTo(Map.of());
    }
}
