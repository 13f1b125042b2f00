package io.jrpcx.internal;

import io.jrpcx.protocol.Message;

/**
 * A request decoded by a server's {@link FrameDecoder}, with the bytes of the {@link
 * MemoryBudget} it holds until its call ends, or the reason its payload was refused.
 */
public final class InboundFrame {
  private final Message message;
  private final long charge;
  private final String refusal;

  InboundFrame(Message message, long charge, String refusal) {
    this.message = message;
    this.charge = charge;
    this.refusal = refusal;
  }

  /** The request; without its payload when {@link #refusal()} is set. */
  public Message message() {
    return message;
  }

  /** Bytes reserved in the server's budget for this request, to release when it is done. */
  public long charge() {
    return charge;
  }

  /** Why the payload was not decoded (no memory to inflate it), or null. */
  public String refusal() {
    return refusal;
  }
}
