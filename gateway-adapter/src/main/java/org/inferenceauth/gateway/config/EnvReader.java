package org.inferenceauth.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values out of an environment map and collects every problem instead of stopping at
 * the first, so an operator fixes the whole configuration in one go.
 */
final class EnvReader {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    EnvReader(Map<String, String> env) {
        this.env = env;
    }

    List<String> problems() {
        return problems;
    }

    void problem(String message) {
        problems.add(message);
    }

    String string(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    String required(String name, String meaning) {
        String value = string(name, null);
        if (value == null) {
            problems.add(name + " is required (" + meaning + ")");
        }
        return value;
    }

    /** A file the gateway must read at start (a PEM certificate, key or CA bundle); null when unset. */
    java.nio.file.Path readableFile(String name) {
        String value = string(name, null);
        if (value == null) {
            return null;
        }
        try {
            java.nio.file.Path path = java.nio.file.Path.of(value).toAbsolutePath();
            if (java.nio.file.Files.isRegularFile(path) && java.nio.file.Files.isReadable(path)) {
                return path;
            }
        } catch (java.nio.file.InvalidPathException ignored) {
            // reported below
        }
        problems.add(name + " must name a readable file, got '" + value + "'");
        return null;
    }

    /** A readable PEM bundle holding at least one X.509 certificate; null when unset. */
    java.nio.file.Path certificateBundle(String name) {
        java.nio.file.Path path = readableFile(name);
        if (path == null) {
            return null;
        }
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(path)) {
            if (!java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                return path;
            }
        } catch (java.io.IOException | java.security.cert.CertificateException ignored) {
            // reported below
        }
        problems.add(name + " must be a PEM file of CA certificates (-----BEGIN CERTIFICATE-----), got '" + path + "'");
        return null;
    }

    int port(String name, int fallback) {
        String value = string(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(name + " must be a port number 0-65535 (0 picks a free port), got '" + value + "'");
        return fallback;
    }

    long positiveLong(String name, long fallback) {
        return wholeNumber(name, fallback, 1, "a positive whole number");
    }

    long nonNegativeLong(String name, long fallback) {
        return wholeNumber(name, fallback, 0, "a whole number, 0 or more");
    }

    private long wholeNumber(String name, long fallback, long min, String meaning) {
        String value = string(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            long number = Long.parseLong(value);
            if (number >= min) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(name + " must be " + meaning + ", got '" + value + "'");
        return fallback;
    }

    boolean bool(String name, boolean fallback) {
        String value = string(name, null);
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> {
                problems.add(name + " must be true or false, got '" + value + "'");
                yield fallback;
            }
        };
    }

    /** {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}; a bare number means seconds. */
    Duration duration(String name, Duration fallback, Duration min, Duration max) {
        String value = string(name, null);
        if (value == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            problems.add(name + " must be a duration such as 500ms, 2s, 5m or 1h, got '" + value + "'");
            return fallback;
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            problems.add(name + " must be between " + min + " and " + max + ", got '" + value + "'");
            return fallback;
        }
        return d;
    }

    List<String> list(String name) {
        String value = string(name, "");
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** An absolute http(s) URL without credentials, query or fragment; trailing slashes removed. */
    URI httpUrl(String name, String value) {
        try {
            URI uri = URI.create(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getRawUserInfo() != null) {
                // Never echo it: the user info is the credential.
                problems.add(name + " must not carry credentials in the URL, got '" + withoutUserInfo(value) + "' ("
                        + (name.contains("UPSTREAM") ? "an upstream's key goes in GATEWAY_UPSTREAM_API_KEY"
                        : "the gateway's Keycloak credentials go in GATEWAY_KEYCLOAK_CLIENT_ID/_SECRET") + ")");
                return null;
            }
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                String text = uri.toString();
                while (text.endsWith("/")) {
                    text = text.substring(0, text.length() - 1);
                }
                return URI.create(text);
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        problems.add(name + " must hold absolute http(s) URLs without query, got '" + withoutUserInfo(value) + "'");
        return null;
    }

    /** {@code http://user:secret@host/…} → {@code http://***@host/…}, for messages. */
    static String withoutUserInfo(String url) {
        return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1***@");
    }

    /** One of {@code choices} (case-insensitive), or empty when unset; a problem when it is none of them. */
    <E extends Enum<E>> java.util.Optional<E> choice(String name, Class<E> type, String none) {
        String value = string(name, null);
        if (value == null || value.equalsIgnoreCase(none)) {
            return java.util.Optional.empty();
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return java.util.Optional.of(constant);
            }
        }
        problems.add(name + " must be one of " + String.join(", ", Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT)).toList()) + " or " + none + ", got '" + value + "'");
        return java.util.Optional.empty();
    }
}
