package io.jrpcx.benchmark;

/** A peer's server, started by {@link ServerMain} in its own JVM, listening on 127.0.0.1. */
interface PeerServer extends AutoCloseable {

  /** The port it listens on. */
  int port();

  @Override
  void close();
}
