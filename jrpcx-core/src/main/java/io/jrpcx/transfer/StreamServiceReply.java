package io.jrpcx.transfer;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * The reply of {@code _streamservice.Stream}, Go's {@code share.StreamServiceReply}: the
 * single-use token to write first on the side channel and the address to dial; see {@link
 * #token()} and {@link #addr()}. Immutable.
 */
@JsonSerialize(using = GoStruct.Serializer.class)
@JsonDeserialize(using = StreamServiceReply.Reader.class)
public final class StreamServiceReply extends SideChannelReply {
  public StreamServiceReply(byte[] token, String addr) {
    super(token, addr);
  }

  static final class Reader extends SideChannelReply.Reader<StreamServiceReply> {
    Reader() {
      super(StreamServiceReply::new);
    }
  }
}
