package io.jrpcx.internal;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Whether a server connection reads, as the union of the reasons it must not: a shutdown
 * draining, the memory budget spent, its peer not reading what it is sent, or the connection
 * being closed after an error. Each reason is set and cleared on its own; reading resumes only
 * when none is left, so one mechanism never re-enables what another paused.
 *
 * <p>Confined to the channel's event loop.
 */
public final class ReadGate {
  /** The server is shutting down: requests are no longer read. */
  public static final int DRAINING = 1;

  /** The memory budget cannot hold this connection's next frame. */
  public static final int MEMORY = 2;

  /** The peer does not read its responses: outbound bytes are above the high watermark. */
  public static final int WRITE = 4;

  /** The connection is being closed once its answers are out. */
  public static final int CLOSING = 8;

  /**
   * The connection had a turn that cost much (a large payload inflated): it reads again after the
   * network thread served its other connections.
   */
  public static final int YIELD = 16;

  private static final AttributeKey<ReadGate> KEY = AttributeKey.valueOf("jrpcx.readGate");

  private final Channel channel;
  private int reasons;

  private ReadGate(Channel channel) {
    this.channel = channel;
  }

  /** The gate of {@code channel}, made on first use. */
  public static ReadGate of(Channel channel) {
    ReadGate gate = channel.attr(KEY).get();
    if (gate == null) {
      gate = new ReadGate(channel);
      ReadGate raced = channel.attr(KEY).setIfAbsent(gate);
      if (raced != null) {
        gate = raced;
      }
    }
    return gate;
  }

  /** Stops reading for {@code reason}. */
  public void pause(int reason) {
    reasons |= reason;
    channel.config().setAutoRead(false);
  }

  /** Clears {@code reason}; reading resumes when no other reason is left. */
  public void resume(int reason) {
    reasons &= ~reason;
    if (reasons == 0 && channel.isActive()) {
      channel.config().setAutoRead(true);
    }
  }

  /** Whether any reason stops reading. */
  public boolean isPaused() {
    return reasons != 0;
  }

  /** Whether {@code reason} is among those that stop reading. */
  public boolean isPaused(int reason) {
    return (reasons & reason) != 0;
  }
}
