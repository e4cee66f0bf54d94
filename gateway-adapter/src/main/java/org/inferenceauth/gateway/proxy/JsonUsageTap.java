package org.inferenceauth.gateway.proxy;

import io.vertx.core.buffer.Buffer;
import java.util.function.UnaryOperator;

/**
 * Reads the top-level {@code usage} of a JSON response (completion, chat completion, embeddings)
 * while its bytes pass to the client unchanged, buffer by buffer ({@link UsageScanner}): nothing is
 * held back or delayed. A body that is not JSON simply yields no usage.
 */
final class JsonUsageTap implements UnaryOperator<Buffer> {

    private final UsageScanner scanner;

    JsonUsageTap(TokenSink sink) {
        this.scanner = new UsageScanner(sink);
    }

    @Override
    public Buffer apply(Buffer buffer) {
        if (!scanner.done()) {
            BufferBytes bytes = BufferBytes.of(buffer);
            scanner.scan(bytes.array(), bytes.from(), bytes.to());
        }
        return buffer;
    }
}
