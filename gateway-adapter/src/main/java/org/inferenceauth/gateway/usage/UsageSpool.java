package org.inferenceauth.gateway.usage;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Batches on disk, one file per batch named by its id ({@code <batch_id>.json}, the exact body):
 * what could not be delivered when memory was full or the gateway stopped, delivered with the same
 * id after a restart. Writes are atomic and durable (a temporary file, fsync, rename, fsync of the
 * directory), so a crash leaves either the whole batch or none of it. Batches Keycloak refused as
 * malformed go to {@code dead-letter/} for an operator to look at, never again to Keycloak.
 */
final class UsageSpool {

    private static final System.Logger LOG = System.getLogger(UsageSpool.class.getName());
    private static final String SUFFIX = ".json";
    private static final String PARTIAL = ".tmp";

    private final Path dir;
    private final Path deadLetters;

    UsageSpool(Path dir) {
        this.dir = dir;
        this.deadLetters = dir.resolve("dead-letter");
    }

    Path dir() {
        return dir;
    }

    void write(UsageBatch batch) throws IOException {
        writeDurably(dir, batch);
    }

    void delete(UsageBatch batch) throws IOException {
        Files.deleteIfExists(fileOf(dir, batch));
    }

    /** Keeps a refused batch aside (and out of the spill directory). */
    void deadLetter(UsageBatch batch) throws IOException {
        writeDurably(deadLetters, batch);
        delete(batch);
    }

    /** The spilled batches, oldest first; an unreadable file is moved to {@code dead-letter/} (with a warning). */
    List<UsageBatch> load() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(p))
                    .sorted(Comparator.comparing(UsageSpool::modified).thenComparing(Path::toString)).toList();
        }
        List<UsageBatch> batches = new ArrayList<>();
        for (Path file : files) {
            try {
                UsageBatch batch = UsageBatch.parse(Files.readAllBytes(file));
                if (!file.getFileName().toString().equals(batch.id() + SUFFIX)) {
                    throw new IllegalArgumentException("its batch_id is not its name");
                }
                batches.add(batch);
            } catch (RuntimeException e) {
                Files.createDirectories(deadLetters);
                Files.move(file, deadLetters.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                LOG.log(Level.WARNING, "Usage spill file " + file.getFileName() + " is not a batch (" + e.getMessage()
                        + "); moved to " + deadLetters);
            }
        }
        return batches;
    }

    private static void writeDurably(Path directory, UsageBatch batch) throws IOException {
        Files.createDirectories(directory);
        Path target = fileOf(directory, batch);
        Path partial = directory.resolve(batch.id() + SUFFIX + PARTIAL);
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(batch.body());
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directoryHandle = FileChannel.open(directory, StandardOpenOption.READ)) {
            directoryHandle.force(true); // the rename itself survives a power cut
        }
    }

    private static Path fileOf(Path directory, UsageBatch batch) {
        return directory.resolve(batch.id() + SUFFIX);
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }
}
