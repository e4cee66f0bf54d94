package org.inferenceauth.gateway.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Literal IP addresses only: {@link InetAddress#getByName} would send anything else to DNS, on the event loop. */
final class IpLiteral {

    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private IpLiteral() {}

    static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String value = text.trim();
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        var v4 = V4.matcher(value);
        boolean ok = v4.matches() ? octetsInRange(v4) : V6.matcher(value).matches();
        if (!ok) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(value)); // a literal by now: no lookup
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static boolean octetsInRange(java.util.regex.Matcher v4) {
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(v4.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }
}
