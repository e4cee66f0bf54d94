package org.inferenceauth.gateway;

import io.vertx.core.transport.Transport;
import java.util.Optional;
import org.inferenceauth.gateway.config.NetworkTransport;

/** The Vert.x transport for {@code GATEWAY_TRANSPORT}: the one asked for, or the best that loads here. */
public final class GatewayTransport {

    private GatewayTransport() {}

    /**
     * The transport to run on. Asked for by name, it must load (an operator who chose io_uring wants to
     * know it is not in use); unset, the native ones are tried in order of measured throughput and NIO
     * is the fallback (a kernel or seccomp profile without them, another CPU architecture).
     */
    public static Transport choose(Optional<NetworkTransport> asked) {
        if (asked.isPresent()) {
            Transport transport = of(asked.get());
            if (!transport.available()) {
                throw new IllegalStateException("GATEWAY_TRANSPORT=" + asked.get().name().toLowerCase()
                        + " is not available here: " + transport.unavailabilityCause());
            }
            return transport;
        }
        for (Transport candidate : new Transport[] {Transport.IO_URING, Transport.EPOLL}) {
            if (candidate != null && candidate.available()) {
                return candidate;
            }
        }
        return Transport.NIO;
    }

    private static Transport of(NetworkTransport transport) {
        return switch (transport) {
            case EPOLL -> Transport.EPOLL;
            case IO_URING -> Transport.IO_URING;
            case NIO -> Transport.NIO;
        };
    }
}
