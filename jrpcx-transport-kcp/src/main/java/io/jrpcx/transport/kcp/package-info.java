/**
 * The {@code kcp} network: rpcx over KCP sessions on UDP, wire-compatible with Go rpcx's {@code
 * kcp} (xtaci/kcp-go v5 with Reed–Solomon FEC 10+3 and AES). Users see one type, {@link
 * io.jrpcx.transport.kcp.KcpConfig}, passed as a server and client plugin; core finds {@link
 * io.jrpcx.transport.kcp.KcpNetwork} through {@code META-INF/services}.
 *
 * <p>Start with {@code KcpChannel} (a session as a Netty channel) and {@code KcpListener} (the
 * server's socket); the layers under KCP are {@code DatagramLayers} (FEC, then crypt), the ARQ is
 * {@code Kcp}. The module's README lists the formats with the kcp-go source each follows.
 */
package io.jrpcx.transport.kcp;
