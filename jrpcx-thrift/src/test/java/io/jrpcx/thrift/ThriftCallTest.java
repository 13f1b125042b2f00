package io.jrpcx.thrift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.Context;
import io.jrpcx.ServiceException;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.codec.Codec;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.server.ClientConnection;
import io.jrpcx.testing.TestServer;
import io.jrpcx.thrift.testing.Args;
import io.jrpcx.thrift.testing.Reply;
import java.lang.reflect.Type;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Thrift calls between a real jrpcx client and server over loopback TCP. */
class ThriftCallTest {
  /** Arith over Thrift structs, as a Go rpcx server would register it. */
  public static final class ThriftArith {
    public Reply mul(Args args) {
      return new Reply(args.a * args.b);
    }
  }

  @RegisterExtension
  final TestServer server =
      TestServer.create(
          b -> b.codecs(ThriftCodec.codecs()),
          s -> s.register("ThriftArith", new ThriftArith(), ""));

  @Test
  void aThriftCallIsAnsweredInThrift() {
    Client client =
        server.connect(
            ClientOptions.DEFAULT.toBuilder()
                .codecs(ThriftCodec.codecs())
                .serializeType(SerializeType.THRIFT)
                .build());

    Reply reply =
        client.call(Context.background(), "ThriftArith", "Mul", new Args(7, 6), Reply.class);

    assertThat(reply.c).isEqualTo(42);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "080001000000", // truncated i32
        "0b0001ffffffff", // string with a negative length
        "0b00017fffffff", // string longer than the payload
        "0f0001087fffffff", // list claiming 2^31-1 elements
        "ff0001"
      }) // unknown field type
  void argsThatDoNotParseGetAnErrorNamingTheTypeAndTheConnectionStaysOpen(String hex) {
    Client client =
        server.connect(
            ClientOptions.DEFAULT.toBuilder()
                .codecs(ThriftCodec.codecs().toBuilder().add(new VerbatimThrift()).build())
                .serializeType(SerializeType.THRIFT)
                .build());
    client.call(
        Context.background(),
        "ThriftArith",
        "Mul",
        HexFormat.of().parseHex("0800010000000200"),
        byte[].class);
    ClientConnection connection = server.server().activeConnections().get(0);

    assertThatThrownBy(
            () ->
                client.call(
                    Context.background(),
                    "ThriftArith",
                    "Mul",
                    HexFormat.of().parseHex(hex),
                    byte[].class))
        .isInstanceOf(ServiceException.class)
        .hasMessageStartingWith(
            "rpcx: can't decode the args of ThriftArith.Mul: thrift: cannot"
                + " decode io.jrpcx.thrift.testing.Args: ");

    byte[] reply =
        client.call(
            Context.background(),
            "ThriftArith",
            "Mul",
            HexFormat.of().parseHex("08000100000003080002000000050000"),
            byte[].class);
    assertThat(HexFormat.of().formatHex(reply)).isEqualTo("0800010000000f00");
    assertThat(server.server().activeConnections()).containsExactly(connection);
  }

  @Test
  void aReplyThatCannotBeDecodedFailsTheCallWithACodecError() {
    Client client =
        server.connect(
            ClientOptions.DEFAULT.toBuilder()
                .codecs(ThriftCodec.codecs())
                .serializeType(SerializeType.THRIFT)
                .build());

    assertThatThrownBy(
            () ->
                client.call(
                    Context.background(), "ThriftArith", "Mul", new Args(1, 1), String.class))
        .isInstanceOf(io.jrpcx.CodecException.class)
        .hasMessageContaining("java.lang.String: not a Thrift struct class");
  }

  /** Sends and returns payload bytes as they are, under serialize type 4. */
  private static final class VerbatimThrift implements Codec {
    @Override
    public int serializeType() {
      return SerializeType.THRIFT;
    }

    @Override
    public byte[] encode(Object value) {
      return (byte[]) value;
    }

    @Override
    public Object decode(byte[] data, Type type) {
      return data;
    }
  }
}
