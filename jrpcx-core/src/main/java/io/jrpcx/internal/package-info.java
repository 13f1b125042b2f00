/**
 * Netty plumbing shared by server and client: event loops (epoll when available, NIO otherwise),
 * TCP and unix-socket addresses, the inbound frame decoder, the batching frame writer, and the
 * TLS handlers made from a {@link io.jrpcx.TlsConfig} ({@link io.jrpcx.internal.NettyTls}), and the
 * frame codec on Netty buffers ({@link io.jrpcx.internal.FrameCodec}), which documents the frame
 * layout and the validation applied to every inbound frame.
 *
 * <p>The networks ({@code tcp}, {@code unix}, {@code http}, {@code ws}, {@code wss}, {@code
 * reuseport}, in-process) are {@link io.jrpcx.internal.Network}s: each decides its channels,
 * addresses, listener options and the handshake handlers in front of the frame decoder ({@code
 * HttpConnectHandshake}, {@code WebSocketPipe}, both bounded by {@code HandshakeDecoder}).
 *
 * <p>What bounds a server's resources lives here too: the {@link
 * io.jrpcx.internal.MemoryBudget} all connections share, each connection's {@link
 * io.jrpcx.internal.ReadGate} (the reasons it is not read), and {@code SafeIoHandler}, which
 * keeps a server's network threads alive whatever escapes their I/O step.
 *
 * <p>Internal: the classes here are public only so that {@code io.jrpcx.server} and
 * {@code io.jrpcx.client} can use them. They are not API and may change in any release; they are
 * also the only place where Netty types appear.
 */
package io.jrpcx.internal;
