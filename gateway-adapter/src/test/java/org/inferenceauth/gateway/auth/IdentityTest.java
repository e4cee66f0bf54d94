package org.inferenceauth.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Which models an identity may use (its model: scopes)")
class IdentityTest {

    private static Identity withScopes(String... scopes) {
        return new Identity(Identity.Kind.API_KEY, "s-1", "ann", "personal", "k1", "gateway", Set.of(scopes), null, null);
    }

    @Test
    @DisplayName("without a model: scope every model is allowed; a bare 'model:' restricts nothing")
    void unrestricted() {
        for (Identity identity : new Identity[] {withScopes(), withScopes("inference", "model:")}) {
            assertThat(identity.restrictsModels()).isFalse();
            assertThat(identity.mayUseModel("llama-70b")).isTrue();
            assertThat(identity.allowedModels()).isEmpty();
        }
    }

    @Test
    @DisplayName("model: scopes allow exactly the models they name, not one whose name ends or starts alike")
    void restricted() {
        Identity identity = withScopes("inference", "model:llama-70b", "model:b");

        assertThat(identity.restrictsModels()).isTrue();
        assertThat(identity.allowedModels()).containsExactlyInAnyOrder("llama-70b", "b");
        assertThat(identity.mayUseModel("llama-70b")).isTrue();
        assertThat(identity.mayUseModel("b")).isTrue();
        assertThat(identity.mayUseModel("70b")).isFalse();
        assertThat(identity.mayUseModel("llama-70b-chat")).isFalse();
        assertThat(identity.mayUseModel("inference")).isFalse();
        assertThat(identity.mayUseModel("")).isFalse();
    }
}
