package io.jrpcx.transfer;

/**
 * A running side-channel listener, returned by {@code server.enableFileTransfer} and
 * {@code server.enableStreamService}. It stops with its server; {@link #close()} stops it
 * earlier (its rpcx service stays registered, and its calls then fail).
 */
public interface SideChannel extends AutoCloseable {
  /** The bound address, {@code host:port}: the actual port when the configured one was 0. */
  String address();

  /** What the calls return for clients to dial: the advertised or the bound address. */
  String advertisedAddress();

  /** Tokens issued and neither used, forgotten nor expired yet. */
  int outstandingTokens();

  /** Stops listening, forgets the outstanding tokens and breaks the transfers in progress. */
  @Override
  void close();
}
