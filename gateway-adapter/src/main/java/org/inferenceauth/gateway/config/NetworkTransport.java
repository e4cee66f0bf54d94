package org.inferenceauth.gateway.config;

/**
 * How the gateway's sockets talk to the kernel ({@code GATEWAY_TRANSPORT}; unset, io_uring where it
 * runs, else NIO). io_uring batches syscalls and skips the JDK selector's bookkeeping on every
 * request, which on the proxy path is much of what the gateway costs beyond nginx.
 */
public enum NetworkTransport {
    /** Linux io_uring through Netty's native library (kernel 5.14+, and not disabled by a seccomp profile). */
    IO_URING,
    /** The JDK's selector: runs anywhere. */
    NIO
}
