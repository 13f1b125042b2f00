package io.jrpcx.protocol;

/**
 * A frame whose payload was not decoded because the memory it needed was refused (a server's
 * memory budget was spent). Unlike a {@link ProtocolException} the stream stays in step: the
 * frame was read whole, and {@link #message()} holds its header, path, method and metadata, so
 * the caller can be answered with an "overloaded" error on a connection that stays open.
 */
public final class PayloadRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Message message;

  /** For a compressor, which does not know the message: the frame codec adds it. */
  public PayloadRefusedException(String reason) {
    this(null, reason);
  }

  /** For the frame codec, with the frame it read without its payload. */
  public PayloadRefusedException(Message message, String reason) {
    super(reason, null, false, false);
    this.message = message;
  }

  /** The frame without its payload, or null when thrown by a compressor. */
  public Message message() {
    return message;
  }
}
