package org.inferenceauth.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Infinispan cluster view a Keycloak node last reported in its log, e.g.
 * {@code ISPN000094: Received new cluster view for channel ISPN: [a-123|3] (2) [a-123, b-456]}.
 */
record ClusterView(int id, int members, String line) {

    private static final Pattern VIEW = Pattern.compile(
            "ISPN000094: Received new cluster view for channel \\S+: \\[[^|\\]]*\\|(\\d+)] \\((\\d+)\\)");

    static final ClusterView NONE = new ClusterView(-1, 0, "(no cluster view logged)");

    /** The node's latest view in {@code log} since byte {@code from} (a restart appends to the same log). */
    static ClusterView latest(Path log, long from) {
        try {
            if (!Files.exists(log)) {
                return NONE;
            }
            byte[] bytes = Files.readAllBytes(log);
            String text = new String(bytes, (int) Math.min(from, bytes.length), (int) Math.max(0, bytes.length - from),
                    java.nio.charset.StandardCharsets.UTF_8);
            ClusterView latest = NONE;
            for (String line : text.split("\n")) {
                Matcher m = VIEW.matcher(line);
                if (m.find()) {
                    latest = new ClusterView(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), line.strip());
                }
            }
            return latest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
