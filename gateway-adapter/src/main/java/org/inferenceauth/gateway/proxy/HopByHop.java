package org.inferenceauth.gateway.proxy;

/** The extra hop-by-hop headers a {@code Connection} header names (RFC 9110 §7.6.1): never forwarded either way. */
final class HopByHop {

    private HopByHop() {}

    /** Whether {@code connection} (a comma-separated list of tokens) names the header {@code name}. */
    static boolean namedIn(String connection, String name) {
        int length = connection.length();
        int start = 0;
        while (start < length) {
            int end = connection.indexOf(',', start);
            if (end < 0) {
                end = length;
            }
            int from = start;
            int to = end;
            while (from < to && connection.charAt(from) == ' ') {
                from++;
            }
            while (to > from && connection.charAt(to - 1) == ' ') {
                to--;
            }
            if (to - from == name.length() && connection.regionMatches(true, from, name, 0, name.length())) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }
}
