package io.jrpcx.server;

import io.netty.channel.Channel;

/**
 * Another protocol served on the server's own port, beside rpcx: rpcx's cmux. Install one with
 * {@link Server.Builder#sharePortWith}; the HTTP gateway of module {@code jrpcx-gateway} is one.
 *
 * <p>The first byte of every accepted connection (the first decrypted byte, with TLS) decides:
 * rpcx's magic {@code 0x08} keeps the rpcx pipeline exactly as without sharing, any other byte
 * hands the connection to {@link #initChannel}. The decision costs one look at one byte per
 * connection, nothing per frame.
 *
 * <p>This is a transport extension point, so it speaks Netty: the protocol adds its handlers to
 * the connection's pipeline. The server's connection handler ({@link #CONNECTION_HANDLER}) stays
 * at the end of the pipeline and keeps doing for the connection what it does for rpcx ones:
 * PostConnAccept and PostConnClose plugins, and closing it when the server shuts down or closes.
 * Such a connection is not listed by {@link Server#activeConnections()} and cannot receive server
 * push. The protocol runs requests through the server with {@link Server#dispatch}.
 */
public interface SharedPortProtocol {

  /** Pipeline name of the server's connection handler, the last handler of every connection. */
  String CONNECTION_HANDLER = "rpcx";

  /**
   * Sets up {@code channel}, whose first byte is not rpcx's, for this protocol: adds its handlers
   * with {@code channel.pipeline().addBefore(CONNECTION_HANDLER, name, handler)}. The bytes read
   * so far are passed to them right after this returns. Runs on the connection's event loop; the
   * last handler must consume what it reads rather than pass it on.
   */
  void initChannel(Channel channel, Server server);
}
