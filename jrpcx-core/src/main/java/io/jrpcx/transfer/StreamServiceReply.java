package io.jrpcx.transfer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.util.Arrays;

/**
 * The reply of {@code _streamservice.Stream}, Go's {@code share.StreamServiceReply}:
 * the single-use token to write first on the side channel and the address to dial. JSON
 * {@code {"token","addr"}} (the token in standard base64, empty fields omitted), MsgPack
 * {@code {"Token","Addr"}} (the token as bin). Immutable.
 */
@JsonSerialize(using = GoStruct.Serializer.class)
@JsonDeserialize(using = StreamServiceReply.Reader.class)
public final class StreamServiceReply {
  private final byte[] token;
  private final String addr;

  public StreamServiceReply(byte[] token, String addr) {
    this.token = token == null ? null : token.clone();
    this.addr = addr == null ? "" : addr;
  }

  /** The token (32 bytes from a jrpcx or Go server); a copy. */
  public byte[] token() {
    return token == null ? null : token.clone();
  }

  /** The side channel's address, {@code host:port}. */
  public String addr() {
    return addr;
  }

  void writeFields(GoStruct.FieldWriter w) throws IOException {
    w.bytes("token", "Token", token);
    w.string("addr", "Addr", addr);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamServiceReply
        && Arrays.equals(((StreamServiceReply) o).token, token)
        && ((StreamServiceReply) o).addr.equals(addr);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(token) + addr.hashCode();
  }

  /** Leaves the token out: it is a credential for one transfer. */
  @Override
  public String toString() {
    return "StreamServiceReply{addr=" + addr + "}";
  }

  static final class Reader extends GoStruct.Deserializer<StreamServiceReply> {
    @Override
    GoStruct.Builder<StreamServiceReply> builder() {
      return new GoStruct.Builder<>() {
        byte[] token;
        String addr;

        @Override
        public void field(String n, JsonParser p) throws IOException {
          switch (n) {
            case "token":
              token = GoStruct.bytes(p);
              break;
            case "addr":
              addr = GoStruct.string(p);
              break;
            default:
              break;
          }
        }

        @Override
        public StreamServiceReply build() {
          return new StreamServiceReply(token, addr);
        }
      };
    }
  }
}
