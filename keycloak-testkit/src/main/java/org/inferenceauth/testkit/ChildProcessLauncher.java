package org.inferenceauth.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code kc.sh} of the distribution as a child process of the test JVM (the default). */
final class ChildProcessLauncher implements KeycloakLauncher {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final String PID_FILE = "keycloak.pid";

    @Override
    public Running launch(Launch launch) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(launch.distribution().resolve("bin/kc.sh").toString());
        command.add(launch.devMode() ? "start-dev" : "start");
        command.addAll(launch.startOptions());
        command.addAll(launch.options());
        command.add("--import-realm");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(launch.distribution().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.logFile().toFile()));
        pb.environment().putAll(launch.environment());
        Process process = pb.start();
        Files.writeString(launch.distribution().resolve(PID_FILE), Long.toString(process.pid()));
        return new ChildProcess(process);
    }

    /** A server left behind by a run that was killed (e.g. SIGKILL of the JVM) would hold the data dir. */
    @Override
    public void killStale(Path distribution) {
        Path pidFile = distribution.resolve(PID_FILE);
        try {
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readString(pidFile).trim());
                ProcessHandle.of(pid).ifPresent(stale -> {
                    stale.descendants().forEach(ProcessHandle::destroyForcibly);
                    stale.destroyForcibly();
                });
                Files.delete(pidFile);
            }
        } catch (IOException | NumberFormatException e) {
            // nothing to clean up
        }
    }

    @Override
    public String toString() {
        return "a child process";
    }

    private record ChildProcess(Process process) implements Running {

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public String exitDescription() {
            return process.isAlive() ? "still running" : "exited with " + process.exitValue();
        }

        @Override
        public void kill() {
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            tree.add(process.toHandle());
            tree.forEach(ProcessHandle::destroyForcibly);
            tree.forEach(handle -> handle.onExit().join());
        }

        /** kc.sh starts the JVM as its child: stop the children first, then the script. */
        @Override
        public void stop() {
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            tree.add(process.toHandle());
            tree.forEach(ProcessHandle::destroy);
            Instant deadline = Instant.now().plus(STOP_TIMEOUT);
            for (ProcessHandle handle : tree) {
                while (handle.isAlive() && Instant.now().isBefore(deadline)) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                if (handle.isAlive()) {
                    handle.destroyForcibly();
                }
            }
        }
    }
}
