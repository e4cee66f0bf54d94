package org.inferenceauth.it.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.inferenceauth.gateway.GatewayMain;
import org.inferenceauth.testkit.FreePorts;

/**
 * One gateway replica as a process of its own ({@link GatewayMain}, configured by environment as
 * in production), so that it can be killed for real. Its output goes to {@code log}.
 */
final class GatewayReplica implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final String name;
    private final int port = FreePorts.next();
    private final int managementPort = FreePorts.next();
    private final Path log;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    GatewayReplica(String name, Map<String, String> env, Path log) throws IOException, InterruptedException {
        this.name = name;
        this.log = log;
        Files.createDirectories(log.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The test's own class path holds the gateway and its libraries (failsafe's booter jar lists them).
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                GatewayMain.class.getName()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("GATEWAY_HOST", "127.0.0.1");
        pb.environment().put("GATEWAY_PORT", Integer.toString(port));
        pb.environment().put("GATEWAY_MANAGEMENT_HOST", "127.0.0.1");
        pb.environment().put("GATEWAY_MANAGEMENT_PORT", Integer.toString(managementPort));
        pb.environment().put("GATEWAY_USAGE_SOURCE", name);
        process = pb.start();
        awaitReady();
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/readyz");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway " + name + " exited with " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // keep polling
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("gateway " + name + " not ready within " + START_TIMEOUT + ":\n" + Files.readString(log));
    }

    String name() {
        return name;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The HTTP status of {@code GET /v1/models} with this key; -1 when the connection failed. */
    int status(String key) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/models")).header("authorization", "Bearer " + key));
    }

    /** A chat completion with this key (usage is recorded for it); the HTTP status, -1 when the connection failed. */
    int chat(String key, String model) {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private int send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Ends the replica as a crash does (SIGKILL): no shutdown hook, no last usage flush. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
