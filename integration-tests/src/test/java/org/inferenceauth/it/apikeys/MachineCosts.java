package org.inferenceauth.it.apikeys;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.inferenceauth.testkit.KeycloakServer;

/**
 * Where a measurement's time went on the machine, read from outside Keycloak: the CPU time of its
 * process tree and of this test JVM (the clients), how busy all cores were ({@code /proc/stat}),
 * and Keycloak's garbage-collection pauses (its Micrometer metrics on the management port). Why:
 * with clients and server on two cores, each call's latency is mostly waiting for a core, so a
 * percentile means little without what the calls and everything else cost.
 */
final class MachineCosts {

    /** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    /** The counters at one moment; two make a window ({@link #perCall}). */
    record Sample(long nanos, double keycloakCpu, double jitCpu, double clientCpu, double busyCores, double idleCores,
                  double gcPauses, double gcPauseSeconds) {

        /** Nothing spent: the start of a sum of windows ({@link #plus}). */
        static final Sample ZERO = new Sample(0, 0, 0, 0, 0, 0, 0, 0);

        /** This sum with the window from {@code from} to {@code to} added: several windows as one, from {@link #ZERO}. */
        Sample plus(Sample from, Sample to) {
            return new Sample(nanos + to.nanos - from.nanos, keycloakCpu + to.keycloakCpu - from.keycloakCpu,
                    jitCpu + to.jitCpu - from.jitCpu, clientCpu + to.clientCpu - from.clientCpu,
                    busyCores + to.busyCores - from.busyCores, idleCores + to.idleCores - from.idleCores,
                    gcPauses + to.gcPauses - from.gcPauses, gcPauseSeconds + to.gcPauseSeconds - from.gcPauseSeconds);
        }
    }

    private final KeycloakServer keycloak;
    private final long pid;
    private final HttpClient http = HttpClient.newHttpClient();

    private MachineCosts(KeycloakServer keycloak, long pid) {
        this.keycloak = keycloak;
        this.pid = pid;
    }

    /** Keycloak runs as the testkit's child process; its pid file is in the distribution. */
    static MachineCosts of(KeycloakServer keycloak) throws IOException {
        Path pidFile = Path.of(System.getProperty("keycloak.dist")).resolve("keycloak.pid");
        return new MachineCosts(keycloak, Long.parseLong(Files.readString(pidFile).trim()));
    }

    Sample sample() throws Exception {
        double[] machine = machine();
        double[] gc = gcPauses();
        double[] keycloak = keycloakCpu();
        return new Sample(System.nanoTime(), keycloak[0], keycloak[1],
                ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime() / 1e9,
                machine[0], machine[1], gc[0], gc[1]);
    }

    /** One report line: CPU per call of Keycloak and of the clients, the machine's busy share, GC pauses. */
    static String perCall(Sample from, Sample to, int calls) {
        double busy = to.busyCores() - from.busyCores();
        double idle = to.idleCores() - from.idleCores();
        double pauses = to.gcPauses() - from.gcPauses();
        return String.format(Locale.ROOT, "Keycloak CPU %.2f ms/call (its JIT compilers %.2f), clients' CPU %.2f ms/call,"
                        + " all cores %.0f%% busy, Keycloak GC: %.0f pauses, %.1f ms in all",
                (to.keycloakCpu() - from.keycloakCpu()) * 1000 / calls, (to.jitCpu() - from.jitCpu()) * 1000 / calls,
                (to.clientCpu() - from.clientCpu()) * 1000 / calls,
                busy + idle > 0 ? 100 * busy / (busy + idle) : Double.NaN, pauses,
                (to.gcPauseSeconds() - from.gcPauseSeconds()) * 1000);
    }

    /**
     * Seconds of CPU (utime + stime) of Keycloak's process and its descendants (kc.sh runs java as a
     * child), and of their JIT compiler threads alone ({@code C1/C2 CompilerThread}, by thread name).
     * Why the JIT apart: on two cores, a compiler thread still compiling Keycloak's request path holds a
     * core for seconds, which is the tail of every call measured meanwhile, not the calls' own cost.
     */
    private double[] keycloakCpu() {
        List<ProcessHandle> tree = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(root -> {
            tree.add(root);
            root.descendants().forEach(tree::add);
        });
        long ticks = 0;
        long jitTicks = 0;
        for (ProcessHandle process : tree) {
            Path proc = Path.of("/proc", Long.toString(process.pid()));
            ticks += cpuTicks(proc.resolve("stat"));
            try (var threads = Files.list(proc.resolve("task"))) {
                for (Path thread : threads.toList()) {
                    String name = Files.readString(thread.resolve("comm")).trim();
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        jitTicks += cpuTicks(thread.resolve("stat"));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // a process that just ended
            }
        }
        return new double[] {ticks / TICKS, jitTicks / TICKS};
    }

    /** utime + stime of a process or thread ({@code /proc/.../stat}), 0 if it just ended. */
    private static long cpuTicks(Path stat) {
        try {
            String line = Files.readString(stat);
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Busy and idle core-seconds of the whole machine since boot (first line of /proc/stat). */
    private static double[] machine() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return new double[] {busy / TICKS, (Long.parseLong(f[4]) + Long.parseLong(f[5])) / TICKS};
    }

    /** Count and total seconds of Keycloak's GC pauses ({@code jvm_gc_pause_seconds}); NaN without metrics. */
    private double[] gcPauses() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(keycloak.getManagementUrl() + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double count = 0;
        double seconds = 0;
        for (String line : response.body().lines().toList()) {
            double value = line.startsWith("jvm_gc_pause_seconds_") ? Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) : 0;
            if (line.startsWith("jvm_gc_pause_seconds_count")) {
                count += value;
            } else if (line.startsWith("jvm_gc_pause_seconds_sum")) {
                seconds += value;
            }
        }
        return new double[] {count, seconds};
    }
}
