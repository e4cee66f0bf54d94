package org.inferenceauth.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 over a plain socket, for what a well-behaved client library would never send: odd request
 * targets, repeated or conflicting headers, malformed framing, a chosen source address on loopback
 * (127.0.0.2 … are loopback too on Linux).
 */
public final class RawHttp {

    /** One parsed response: status, raw header block, body (chunked bodies are left as they came). */
    public record Response(int status, String head, String body) {

        public String header(String name) {
            Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + ":\\s*(.*?)\\r?$").matcher(head);
            return m.find() ? m.group(1) : null;
        }

        public String whole() {
            return head + "\r\n\r\n" + body;
        }
    }

    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.[01] (\\d{3})");

    private RawHttp() {}

    /**
     * Sends {@code request} as is and returns every response that arrives until the server closes or
     * stays quiet for {@code quiet} (so requests should say {@code Connection: close}).
     */
    public static List<Response> exchange(int port, String request, Duration quiet) {
        return exchange(InetAddress.getLoopbackAddress(), port, request.getBytes(StandardCharsets.UTF_8), quiet);
    }

    public static List<Response> exchange(InetAddress from, int port, byte[] request, Duration quiet) {
        return parse(raw(from, port, request, quiet));
    }

    /** The bytes the server sent back, unparsed (ISO-8859-1, so every byte is one char). */
    public static String rawExchange(int port, String request, Duration quiet) {
        return new String(raw(InetAddress.getLoopbackAddress(), port, request.getBytes(StandardCharsets.UTF_8), quiet),
                StandardCharsets.ISO_8859_1);
    }

    private static byte[] raw(InetAddress from, int port, byte[] request, Duration quiet) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, from, 0)) {
            socket.setSoTimeout((int) quiet.toMillis());
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return readUntilQuiet(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one response to a request that must get exactly one. */
    public static Response single(int port, String request) {
        List<Response> responses = exchange(port, request, Duration.ofSeconds(5));
        if (responses.size() != 1) {
            throw new AssertionError("expected one response, got " + responses.size() + ": " + responses);
        }
        return responses.get(0);
    }

    /** Whether the server closes a connection on which the client says nothing, within {@code limit}. */
    public static boolean closedByServerWhenIdle(int port, Duration limit) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) limit.toMillis());
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    /** Reads until the server closes (send {@code Connection: close}) or stays quiet for the socket's timeout. */
    private static byte[] readUntilQuiet(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException | java.net.SocketException quietOrReset) {
            // whatever arrived is the answer
        }
        return out.toByteArray();
    }

    static List<Response> parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Response> responses = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int headEnd = text.indexOf("\r\n\r\n", at);
            Matcher status = STATUS.matcher(text.substring(at));
            if (headEnd < 0 || !status.find()) {
                break;
            }
            String head = text.substring(at, headEnd);
            int bodyStart = headEnd + 4;
            Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
            int bodyEnd;
            if (length.find()) {
                bodyEnd = Math.min(text.length(), bodyStart + Integer.parseInt(length.group(1)));
            } else if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
                int end = text.indexOf("\r\n0\r\n\r\n", bodyStart);
                bodyEnd = end < 0 ? text.length() : end + 7;
            } else {
                bodyEnd = Integer.parseInt(status.group(1)) / 100 == 1 ? bodyStart - 2 : text.length();
            }
            responses.add(new Response(Integer.parseInt(status.group(1)), head,
                    text.substring(Math.min(bodyStart, bodyEnd), bodyEnd)));
            at = Math.max(bodyEnd, bodyStart - 2);
            if (at == bodyStart - 2) {
                at = bodyStart; // 1xx: no body
            }
        }
        return responses;
    }
}
