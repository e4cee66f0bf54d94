package org.inferenceauth.gateway.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who is on the other end: the connection's peer, unless that peer is a trusted proxy; then the
 * right-most {@code X-Forwarded-For} entry that is not itself a trusted proxy. Entries left of that
 * were written by the client and prove nothing, so a client cannot pick its own address.
 */
public final class ClientAddress {

    private final List<Cidr> trustedProxies;

    public ClientAddress(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /**
     * @param peer         the connection's remote address (literal IP), or null if unknown
     * @param forwardedFor every {@code X-Forwarded-For} header value, in the order received (asked only behind a trusted proxy)
     */
    public String resolve(String peer, Supplier<List<String>> forwardedFor) {
        if (peer == null) {
            return "unknown";
        }
        if (trustedProxies.isEmpty()) {
            return peer; // the common case, on every request: nothing to parse
        }
        Optional<InetAddress> current = literal(peer);
        if (current.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        forwardedFor.get().forEach(value -> {
            for (String hop : value.split(",")) {
                hops.add(hop.trim());
            }
        });
        for (int i = hops.size() - 1; i >= 0 && trusted(current.get()); i--) {
            Optional<InetAddress> next = literal(hops.get(i));
            if (next.isEmpty()) {
                break; // a malformed entry: stop at the last address we could trust to have written it
            }
            current = next;
        }
        return current.get().getHostAddress();
    }

    /**
     * The unit a per-source budget is kept for: an IPv4 address, or an IPv6 address's /64 (one host
     * commonly holds a whole /64, so counting single IPv6 addresses would be no limit at all).
     */
    public static String network(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        Optional<InetAddress> parsed = literal(address);
        if (parsed.isEmpty() || parsed.get().getAddress().length == 4) {
            return address;
        }
        byte[] bytes = parsed.get().getAddress();
        java.util.Arrays.fill(bytes, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the connection comes from a proxy whose X-Forwarded-For the gateway believes. */
    public boolean trustedPeer(String peer) {
        return literal(peer).map(this::trusted).orElse(false);
    }

    private boolean trusted(InetAddress address) {
        for (Cidr proxy : trustedProxies) {
            if (proxy.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static Optional<InetAddress> literal(String text) {
        return IpLiteral.parse(text);
    }
}
