package org.inferenceauth.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Who the client is: the peer, or X-Forwarded-For behind trusted proxies only")
class ClientAddressTest {

    final ClientAddress behindProxies = new ClientAddress(List.of(Cidr.parse("10.0.0.0/8").orElseThrow(),
            Cidr.parse("2001:db8::/32").orElseThrow()));

    @Test
    @DisplayName("without trusted proxies the peer is the client, whatever X-Forwarded-For says")
    void noTrustedProxies() {
        assertThat(new ClientAddress(List.of()).resolve("198.51.100.7", () -> List.of("1.2.3.4"))).isEqualTo("198.51.100.7");
        assertThat(behindProxies.resolve("198.51.100.7", () -> List.of("1.2.3.4"))).isEqualTo("198.51.100.7");
    }

    @Test
    @DisplayName("behind trusted proxies: the right-most entry that is not itself a trusted proxy")
    void rightMostUntrusted() {
        assertThat(behindProxies.resolve("10.0.0.2", () -> List.of("6.6.6.6, 203.0.113.9", "10.0.0.1")))
                .isEqualTo("203.0.113.9");
        assertThat(behindProxies.resolve("10.0.0.2", () -> List.of())).isEqualTo("10.0.0.2");
        assertThat(behindProxies.resolve("10.0.0.2", () -> List.of("6.6.6.6, not-an-address"))).isEqualTo("10.0.0.2");
    }

    @Test
    @DisplayName("an IPv6 client is counted by its /64")
    void ipv6Network() {
        assertThat(ClientAddress.network("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(ClientAddress.network("192.0.2.1")).isEqualTo("192.0.2.1");
    }

    @ParameterizedTest(name = "''{0}'' is no CIDR")
    @ValueSource(strings = {"10.0.0.0/33", "example.org", "localhost", "999.1.1.1", "10.0.0.0/x", "2001:db8::/129", ""})
    @DisplayName("only literal addresses with fitting prefixes (a host name would be a DNS lookup)")
    void badCidrs(String text) {
        assertThat(Cidr.parse(text)).isEmpty();
    }

    @Test
    @DisplayName("CIDR membership by prefix, IPv4 and IPv6 apart")
    void membership() {
        Cidr net = Cidr.parse("192.168.4.0/22").orElseThrow();
        assertThat(net.contains(IpLiteral.parse("192.168.7.255").orElseThrow())).isTrue();
        assertThat(net.contains(IpLiteral.parse("192.168.8.0").orElseThrow())).isFalse();
        assertThat(net.contains(IpLiteral.parse("::1").orElseThrow())).isFalse();
    }
}
