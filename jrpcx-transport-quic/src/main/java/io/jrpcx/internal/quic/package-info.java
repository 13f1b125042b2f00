/**
 * The {@code quic} network ({@link io.jrpcx.internal.quic.QuicNetwork}): rpcx over one QUIC
 * stream per connection, TLS 1.3 with ALPN {@code rpcx}, on Netty's native QUIC codec. Start
 * with {@code QuicNetwork}, then {@code QuicDial} (a client's connection) and {@code
 * QuicListener} (a server's socket and its connections); {@code QuicTls} makes the TLS contexts.
 *
 * <p>Internal: users name the network ({@code "quic"}) and never these classes; {@code
 * QuicNetwork} is public only for {@link java.util.ServiceLoader}.
 */
package io.jrpcx.internal.quic;
