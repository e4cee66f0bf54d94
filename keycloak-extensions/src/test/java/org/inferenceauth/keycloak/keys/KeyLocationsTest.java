package org.inferenceauth.keycloak.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("KeyLocations: where this node found each key, bounded")
class KeyLocationsTest {

    private static final KeyLocations.Location HERE = new KeyLocations.Location("realm", "user", "credential");

    @Test
    @DisplayName("a remembered location is found until forgotten")
    void remembersUntilForgotten() {
        KeyLocations locations = new KeyLocations(10);
        assertThat(locations.get("k1")).isEmpty();

        locations.put("k1", HERE);
        assertThat(locations.get("k1")).contains(HERE);

        locations.forget("k1");
        assertThat(locations.get("k1")).isEmpty();
    }

    @Test
    @DisplayName("never holds more than its capacity; the newest entry is always kept")
    void bounded() {
        KeyLocations locations = new KeyLocations(3);
        IntStream.range(0, 100).forEach(i -> {
            locations.put("k" + i, HERE);
            assertThat(locations.get("k" + i)).as("just added").contains(HERE);
        });
        assertThat(locations.size()).isEqualTo(3);
    }

    @Test
    @DisplayName("replacing a location when full evicts nothing else")
    void replaceWhenFull() {
        KeyLocations locations = new KeyLocations(2);
        locations.put("a", HERE);
        locations.put("b", HERE);
        KeyLocations.Location moved = new KeyLocations.Location("realm", "user", "other");
        locations.put("a", moved);
        assertThat(locations.get("a")).contains(moved);
        assertThat(locations.get("b")).contains(HERE);
    }

    @Test
    @DisplayName("a capacity below 1 is refused with a clear error")
    void capacity() {
        assertThatThrownBy(() -> new KeyLocations(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity must be at least 1");
    }
}
