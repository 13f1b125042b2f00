package io.jrpcx.transfer;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.BiFunction;

/**
 * What Go's {@code FileTransferReply} and {@code StreamServiceReply} both are: the single-use token
 * to write first on the side channel and the address to dial. JSON {@code {"token","addr"}} (the
 * token in standard base64, empty fields omitted), MsgPack {@code {"Token","Addr"}} (the token as
 * bin). The two public types stay apart, as in Go, so that each rpc's reply has its own name.
 */
abstract class SideChannelReply {
  private final byte[] token;
  private final String addr;

  SideChannelReply(byte[] token, String addr) {
    this.token = token == null ? null : token.clone();
    this.addr = addr == null ? "" : addr;
  }

  /** The token (32 bytes from a jrpcx or Go server); a copy. */
  public final byte[] token() {
    return token == null ? null : token.clone();
  }

  /** The side channel's address, {@code host:port}. */
  public final String addr() {
    return addr;
  }

  final void writeFields(GoStruct.FieldWriter w) throws IOException {
    w.bytes("token", "Token", token);
    w.string("addr", "Addr", addr);
  }

  @Override
  public final boolean equals(Object o) {
    return o != null
        && o.getClass() == getClass()
        && Arrays.equals(((SideChannelReply) o).token, token)
        && ((SideChannelReply) o).addr.equals(addr);
  }

  @Override
  public final int hashCode() {
    return 31 * Arrays.hashCode(token) + addr.hashCode();
  }

  /** Leaves the token out: it is a credential for one transfer. */
  @Override
  public final String toString() {
    return getClass().getSimpleName() + "{addr=" + addr + "}";
  }

  /** Reads the two fields into the reply type that {@code make} builds. */
  abstract static class Reader<T extends SideChannelReply> extends GoStruct.Deserializer<T> {
    private final BiFunction<byte[], String, T> make;

    Reader(BiFunction<byte[], String, T> make) {
      this.make = make;
    }

    @Override
    GoStruct.Builder<T> builder() {
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
        public T build() {
          return make.apply(token, addr);
        }
      };
    }
  }
}
