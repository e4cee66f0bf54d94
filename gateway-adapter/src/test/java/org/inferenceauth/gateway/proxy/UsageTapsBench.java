package org.inferenceauth.gateway.proxy;

import io.vertx.core.buffer.Buffer;

/** Per-buffer cost of the response taps (called by the usage bench; not a test). */
public final class UsageTapsBench {

    private UsageTapsBench() {}

    public static void print(Buffer chunk, Buffer usageChunk) {
        long[] sink = new long[1];
        SseUsageTap tap = new SseUsageTap(true, (p, c) -> sink[0] += c);
        Buffer json = Buffer.buffer("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"model-a\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + "word ".repeat(100)
                + "\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":100,"
                + "\"total_tokens\":140}}");
        // run.sh's static stream (8 content chunks, the usage chunk, [DONE]) in one buffer, as nginx sends it.
        StringBuilder events = new StringBuilder();
        for (String word : "Fast enough for a model that takes a while".split(" ")) {
            events.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench-model\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"").append(word)
                    .append(" \"},\"finish_reason\":null}]}\n\n");
        }
        Buffer stream = Buffer.buffer(events + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"bench-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":8,"
                + "\"total_tokens\":13}}\n\ndata: [DONE]\n\n");
        for (int round = 1; round <= 3; round++) {
            int n = 1_000_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                tap.apply(chunk);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n / 10; i++) {
                tap.apply(usageChunk);
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < n / 10; i++) {
                new JsonUsageTap((p, c) -> sink[0] += c).apply(json);
            }
            long t3 = System.nanoTime();
            for (int i = 0; i < n / 10; i++) {
                tap.apply(stream);
            }
            long t4 = System.nanoTime();
            System.out.printf("round %d: SSE chunk without usage %.0f ns; usage chunk (parsed, removed) %.0f ns; "
                            + "%d-byte JSON response %.0f ns; %d-byte stream in one buffer %.0f ns%n", round,
                    (t1 - t0) / (double) n, (t2 - t1) / (n / 10.0), json.length(), (t3 - t2) / (n / 10.0),
                    stream.length(), (t4 - t3) / (n / 10.0));
        }
        if (sink[0] == 42) {
            System.out.println(); // keeps the JIT from dropping the work
        }
    }
}
