package io.jrpcx.transfer;

/** Constants shared by both ends of the side channel. */
final class Transfers {
  private Transfers() {}

  /** Bytes of the token that opens every side-channel connection (Go: 32 from crypto/rand). */
  static final int TOKEN_LENGTH = 32;

  /**
   * Bytes moved per read or write: large enough that a loopback transfer is not bound by system
   * calls, small enough that a transfer holds almost nothing of the heap.
   */
  static final int CHUNK = 64 * 1024;

  /** Prefix of an advertised address that wants TLS (never one a Go server returns). */
  static final String TLS_PREFIX = "tls@";
}
