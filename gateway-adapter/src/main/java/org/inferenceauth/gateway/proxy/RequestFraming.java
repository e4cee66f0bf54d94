package org.inferenceauth.gateway.proxy;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The one body framing the gateway relays besides {@code Content-Length}: {@code Transfer-Encoding:
 * chunked}. Any other coding (gzip, a list) is refused: an upstream might read the body's end
 * differently from the gateway (request smuggling), and none of the OpenAI API's clients sends one.
 */
final class RequestFraming {

    private RequestFraming() {}

    static boolean valid(MultiMap headers) {
        String single = headers.get("transfer-encoding");
        if (single == null) {
            return true;
        }
        List<String> all = headers.getAll("transfer-encoding");
        for (String coding : all) {
            if (!coding.trim().equalsIgnoreCase("chunked")) {
                return false;
            }
        }
        return true;
    }
}
