package org.inferenceauth.it.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * HTTP for hostile requests: {@link HttpClient} for anything it can express (bytes as bodies, any
 * printable header), a raw socket for request targets it refuses to build (malformed escapes,
 * {@code ..;}, spaces, non-ASCII bytes).
 */
final class Wire {

    /**
     * What came back; {@code text} is the headers and the body, for echo checks. Status 0: the server
     * closed the connection without an answer (as it may for a request it will not read).
     */
    record Answer(int status, String text) {}

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String host;
    private final int port;

    Wire(String host, int port) {
        this.host = host;
        this.port = port;
    }

    Answer send(String method, String path, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        // Twice at most: a pooled connection the server closed after its previous answer fails at once.
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                return new Answer(response.statusCode(), response.headers().map() + "\n" + response.body());
            } catch (IOException closed) {
                if (attempt == 2) {
                    return new Answer(0, "");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Sends the request target exactly as given (bytes, no escaping), one connection per request. */
    Answer raw(String method, byte[] target, Map<String, String> headers) {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " ").getBytes(StandardCharsets.US_ASCII));
            out.write(target);
            StringBuilder head = new StringBuilder(" HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nConnection: close\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            out.write(head.append("Content-Length: 0\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = readAll(socket.getInputStream());
            String[] statusLine = response.split("\r\n", 2)[0].split(" ");
            return new Answer(statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : -1, response);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " (raw target)", e);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
