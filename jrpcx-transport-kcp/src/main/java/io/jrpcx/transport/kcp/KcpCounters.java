package io.jrpcx.transport.kcp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide counters of the kcp network, kcp-go's {@code DefaultSnmp} in part: what tests and
 * operators ask of a lossy link. Internal; never reset.
 */
final class KcpCounters {
  /** Data shards rebuilt from parity and handed to KCP. */
  static final AtomicLong FEC_RECOVERED = new AtomicLong();

  /** Parity shards received. */
  static final AtomicLong PARITY_RECEIVED = new AtomicLong();

  /** Datagrams dropped for a wrong checksum (noise, truncation or another key). */
  static final AtomicLong CHECKSUM_ERRORS = new AtomicLong();

  /** Datagrams dropped for a malformed FEC header or KCP segments. */
  static final AtomicLong INPUT_ERRORS = new AtomicLong();

  /** Segments sent again (RTO, fast or early retransmission). */
  static final AtomicLong RETRANSMITS = new AtomicLong();

  private KcpCounters() {}
}
