package org.inferenceauth.gateway.config;

/**
 * How the gateway's sockets talk to the kernel ({@code GATEWAY_TRANSPORT}). Unset means the best one
 * that loads here: the native ones save syscalls and the JDK selector's bookkeeping on every request,
 * which on the proxy path is most of what the gateway costs beyond nginx.
 */
public enum NetworkTransport {
    /** Linux epoll through Netty's native library. */
    EPOLL,
    /** Linux io_uring through Netty's native library (kernel 5.14+, and not disabled by a seccomp profile). */
    IO_URING,
    /** The JDK's selector: runs anywhere. */
    NIO
}
