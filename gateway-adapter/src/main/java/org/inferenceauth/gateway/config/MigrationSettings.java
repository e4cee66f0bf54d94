package org.inferenceauth.gateway.config;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.inferenceauth.gateway.net.Cidr;

/**
 * The way from an open API to personal credentials (gateway-adapter README "Migration"): whether
 * calls without a valid credential are refused or only counted, which subnets pass unauthenticated
 * for a while, and which shared static keys are still accepted until their sunset.
 *
 * @param personalKeyUrl where a caller gets a personal key, named in a retired legacy key's 401
 * @param logWindow      a pass is logged once per client address, user agent and path within this window
 */
public record MigrationSettings(Mode mode, List<LegacySubnet> legacySubnets, List<LegacyKey> legacyKeys,
                                URI personalKeyUrl, Duration logWindow) {

    /** {@code enforce}: no valid credential, no call. {@code audit}: such calls pass, counted and logged. */
    public enum Mode { ENFORCE, AUDIT }

    /** A network whose callers pass without a credential, until the start (UTC) of {@code sunset} if given. */
    public record LegacySubnet(Cidr network, Optional<LocalDate> sunset) {

        public boolean activeAt(Instant now) {
            return sunset.map(date -> now.isBefore(startOf(date))).orElse(true);
        }
    }

    /**
     * A shared static key of the open API: accepted as {@code label} until the start (UTC) of
     * {@code sunset}, refused after it. Only its SHA-256 is known to the gateway.
     */
    public record LegacyKey(String label, LocalDate sunset, byte[] sha256) {

        public LegacyKey {
            sha256 = sha256.clone();
        }

        @Override
        public byte[] sha256() {
            return sha256.clone();
        }

        public Instant retiredAt() {
            return startOf(sunset);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof LegacyKey k && k.label.equals(label) && k.sunset.equals(sunset)
                    && Arrays.equals(k.sha256, sha256);
        }

        @Override
        public int hashCode() {
            return label.hashCode();
        }

        @Override
        public String toString() { // the hash is no secret, but has no business in logs either
            return "LegacyKey[" + label + ", sunset " + sunset + "]";
        }
    }

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    public boolean audit() {
        return mode == Mode.AUDIT;
    }

    static Instant startOf(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static MigrationSettings read(EnvReader r, URI issuer) {
        Mode mode = r.choice("GATEWAY_AUTH_MODE", Mode.class, "enforce").orElse(Mode.ENFORCE);
        List<LegacySubnet> subnets = new ArrayList<>();
        for (String entry : r.list("GATEWAY_LEGACY_SUBNETS")) {
            int at = entry.indexOf('@');
            Optional<Cidr> network = Cidr.parse(at < 0 ? entry : entry.substring(0, at));
            Optional<LocalDate> sunset = at < 0 ? Optional.empty() : date(entry.substring(at + 1).trim());
            if (network.isEmpty() || (at >= 0 && sunset.isEmpty())) {
                r.problem("GATEWAY_LEGACY_SUBNETS entries must be CIDRs with an optional @sunset date, such as "
                        + "10.1.0.0/16 or 2001:db8:5::/48@2027-03-31, got '" + entry + "'");
            } else {
                subnets.add(new LegacySubnet(network.get(), sunset));
            }
        }
        String file = r.string("GATEWAY_LEGACY_KEYS_FILE", null);
        List<LegacyKey> keys = file == null ? List.of() : legacyKeys(r, file);
        String urlValue = r.string("GATEWAY_PERSONAL_KEY_URL", null);
        URI personalKeyUrl = urlValue != null ? r.httpUrl("GATEWAY_PERSONAL_KEY_URL", urlValue)
                : issuer == null ? null : URI.create(issuer + "/account/api-keys");
        Duration window = r.duration("GATEWAY_MIGRATION_LOG_WINDOW", Duration.ofHours(1), Duration.ofSeconds(1),
                Duration.ofDays(1));
        return new MigrationSettings(mode, List.copyOf(subnets), keys, personalKeyUrl, window);
    }

    /** {@code label sunset sha256-hex} per line; blank lines and {@code #} comments are skipped. */
    private static List<LegacyKey> legacyKeys(EnvReader r, String file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | InvalidPathException e) {
            r.problem("GATEWAY_LEGACY_KEYS_FILE cannot be read: " + file + " (" + e.getClass().getSimpleName() + ")");
            return List.of();
        }
        List<LegacyKey> keys = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "GATEWAY_LEGACY_KEYS_FILE line " + (i + 1) + ": ";
            String[] fields = line.split("\\s+");
            // Never echo a field: an operator may have pasted the plain key by mistake.
            if (fields.length != 3) {
                r.problem(where + "expected 'label sunset sha256' (3 fields), got " + fields.length);
                continue;
            }
            Optional<LocalDate> sunset = date(fields[1]);
            boolean ok = true;
            if (!LABEL.matcher(fields[0]).matches()) {
                r.problem(where + "the label must be 1-64 letters, digits, '.', '_' or '-'");
                ok = false;
            } else if (!labels.add(fields[0])) {
                r.problem(where + "the label " + fields[0] + " is used twice");
                ok = false;
            }
            if (sunset.isEmpty()) {
                r.problem(where + "the sunset must be a date such as 2027-03-31");
                ok = false;
            }
            if (!SHA256_HEX.matcher(fields[2]).matches()) {
                r.problem(where + "the third field must be the key's SHA-256 in hex (printf %s \"$KEY\" | sha256sum), "
                        + "never the key itself");
                ok = false;
            } else if (!hashes.add(fields[2].toLowerCase(java.util.Locale.ROOT))) {
                r.problem(where + "the same key hash is listed twice");
                ok = false;
            }
            if (ok) {
                keys.add(new LegacyKey(fields[0], sunset.get(), HexFormat.of().parseHex(fields[2])));
            }
        }
        if (keys.isEmpty() && r.problems().stream().noneMatch(p -> p.startsWith("GATEWAY_LEGACY_KEYS_FILE"))) {
            r.problem("GATEWAY_LEGACY_KEYS_FILE lists no keys (lines 'label sunset sha256'); unset it if there are none");
        }
        return List.copyOf(keys);
    }

    private static Optional<LocalDate> date(String text) {
        try {
            return Optional.of(LocalDate.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
