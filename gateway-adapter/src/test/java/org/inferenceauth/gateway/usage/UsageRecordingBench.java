package org.inferenceauth.gateway.usage;

import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.inferenceauth.gateway.accesslog.RequestRecord;
import org.inferenceauth.gateway.auth.Identity;
import org.inferenceauth.gateway.config.GatewayConfig;
import org.inferenceauth.gateway.metrics.GatewayMetrics;

/**
 * A benchmark, not a test (bench/usage.sh runs it): the cost usage recording adds to one request on
 * its own thread — {@link UsageRecorder#accept} with its ledger update and usage metrics, for
 * records of 200 users × 5 keys × 2 models — single-threaded and on two threads at once.
 * Nothing asserts on the numbers.
 */
public final class UsageRecordingBench {

    public static void main(String[] args) throws Exception {
        long perThread = args.length > 0 ? Long.parseLong(args[0]) : 3_000_000;
        GatewayConfig config = GatewayConfig.fromEnv(Map.of("GATEWAY_UPSTREAMS", "http://127.0.0.1:1/v1",
                "GATEWAY_KEYCLOAK_ISSUER", "http://127.0.0.1:1/realms/inference", "GATEWAY_KEYCLOAK_CLIENT_SECRET", "x"));
        GatewayMetrics metrics = new GatewayMetrics();
        UsageLedger ledger = new UsageLedger();
        UsageShipper shipper = new UsageShipper(ledger, new UsageDelivery(config.keycloak()),
                new UsageSpool(Path.of("target/bench-usage-spill")), metrics, "bench", config.usage().flush(),
                Long.MAX_VALUE);
        UsageRecorder recorder = new UsageRecorder(ledger, Set.of("model-a", "model-b")::contains, metrics, shipper);
        List<RequestRecord> records = records();

        for (int round = 1; round <= 3; round++) { // the first rounds warm the JIT up
            System.out.printf("round %d: 1 thread %.0f ns/request; 2 threads %.0f ns/request each%n", round,
                    run(recorder, records, 1, perThread), run(recorder, records, 2, perThread));
            ledger.drain();
        }
        SseBench.run();
    }

    private static double run(UsageRecorder recorder, List<RequestRecord> records, int threads, long perThread)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(threads);
        long started = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int offset = t * 7;
            new Thread(() -> {
                for (long i = 0; i < perThread; i++) {
                    recorder.accept(records.get((int) ((i + offset) % records.size())));
                }
                done.countDown();
            }).start();
        }
        done.await();
        return (System.nanoTime() - started) / (double) perThread;
    }

    private static List<RequestRecord> records() {
        List<RequestRecord> records = new ArrayList<>();
        for (int user = 0; user < 200; user++) {
            for (int key = 0; key < 5; key++) {
                for (String model : List.of("model-a", "model-b")) {
                    RequestRecord record = new RequestRecord("POST", "/v1/chat/completions");
                    record.identity = new Identity(Identity.Kind.API_KEY, "user-" + user, "u" + user, "proj-" + (key % 3),
                            "key" + user + "x" + key, "account-console", Set.of(), null, null);
                    record.model = model;
                    record.upstream = "upstream";
                    record.promptTokens = 40;
                    record.completionTokens = 300;
                    records.add(record);
                }
            }
        }
        return records;
    }

    /** The taps' share: a typical stream's chunks without usage (the fast path) and its one usage chunk. */
    private static final class SseBench {
        static void run() {
            Buffer chunk = Buffer.buffer("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"model-a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},\"logprobs\":null,"
                    + "\"finish_reason\":null}]}\n\n");
            Buffer usage = Buffer.buffer("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"model-a\",\"choices\":[],\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":300,"
                    + "\"total_tokens\":340}}\n\n");
            org.inferenceauth.gateway.proxy.UsageTapsBench.print(chunk, usage);
        }
    }
}
