package org.inferenceauth.gateway;

import io.vertx.core.transport.Transport;
import java.util.Locale;
import java.util.Optional;
import org.inferenceauth.gateway.config.NetworkTransport;

/** The Vert.x transport for {@code GATEWAY_TRANSPORT}: the one asked for, else io_uring where it runs, else NIO. */
public final class GatewayTransport {

    private GatewayTransport() {}

    /**
     * The transport to run on. Asked for by name, it must load (an operator who chose io_uring wants to
     * know it is not in use). Unset, io_uring where the kernel and the container's seccomp profile allow
     * it: it costs a quarter less CPU per proxied request than NIO (bench/README.md). Otherwise NIO; the
     * startup line says which one runs.
     */
    public static Transport choose(Optional<NetworkTransport> asked) {
        if (asked.isPresent()) {
            Transport transport = of(asked.get());
            if (!transport.available()) {
                throw new IllegalStateException("GATEWAY_TRANSPORT=" + asked.get().name().toLowerCase(Locale.ROOT)
                        + " is not available here: " + transport.unavailabilityCause());
            }
            return transport;
        }
        return Transport.IO_URING.available() ? Transport.IO_URING : Transport.NIO;
    }

    private static Transport of(NetworkTransport transport) {
        return switch (transport) {
            case IO_URING -> Transport.IO_URING;
            case NIO -> Transport.NIO;
        };
    }
}
