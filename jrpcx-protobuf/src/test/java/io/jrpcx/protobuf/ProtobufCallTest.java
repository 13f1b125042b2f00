package io.jrpcx.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.jrpcx.Context;
import io.jrpcx.ServiceException;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.codec.Codec;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.interop.helloworld.HelloReply;
import io.jrpcx.interop.helloworld.HelloRequest;
import io.jrpcx.interop.helloworld.Order;
import io.jrpcx.protobuf.testing.Blob;
import io.jrpcx.server.ClientConnection;
import io.jrpcx.testing.TestServer;
import java.lang.reflect.Type;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Protobuf calls between a real jrpcx client and server over loopback TCP. */
class ProtobufCallTest {
  /** Frames up to 10 MiB plus room for the header, names and the payload's own tags. */
  private static final int FRAME_LIMIT = (10 << 20) + 4096;

  /** Greeter as a Go rpcx server registers it: a plain object, methods named as in the proto. */
  public static final class Greeter {
    public HelloReply sayHello(HelloRequest request) {
      return HelloReply.newBuilder().setMessage("Hello " + request.getName()).build();
    }

    public Order echo(Order order) {
      return order;
    }

    public Blob echoBlob(Blob blob) {
      return blob;
    }
  }

  @RegisterExtension
  final TestServer server =
      TestServer.create(
          b -> b.codecs(ProtobufCodec.codecs()).maxMessageLength(FRAME_LIMIT),
          s -> s.register("Greeter", new Greeter(), ""));

  private Client client() {
    return server.connect(
        ProtobufCodec.clientOptions(ClientOptions.DEFAULT).toBuilder()
            .maxMessageLength(FRAME_LIMIT)
            .build());
  }

  @Test
  void aProtobufCallIsAnsweredInProtobuf() {
    HelloReply reply =
        client()
            .call(
                Context.background(),
                "Greeter",
                "SayHello",
                HelloRequest.newBuilder().setName("rpcx").build(),
                HelloReply.class);

    assertThat(reply.getMessage()).isEqualTo("Hello rpcx");
  }

  @Test
  void anEmptyRequestReachesTheServiceAsTheDefaultInstance() {
    HelloReply reply =
        client()
            .call(
                Context.background(),
                "Greeter",
                "SayHello",
                HelloRequest.getDefaultInstance(),
                HelloReply.class);

    assertThat(reply.getMessage()).isEqualTo("Hello ");
  }

  @Test
  void aTenMegabyteMessageNearTheFrameLimitGoesThereAndBack() {
    byte[] data = new byte[10 << 20];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    Blob blob = Blob.newBuilder().setData(ByteString.copyFrom(data)).build();

    Blob back = client().call(Context.background(), "Greeter", "EchoBlob", blob, Blob.class);

    assertThat(back.getData().size()).isEqualTo(data.length);
    assertThat(back).isEqualTo(blob);
  }

  static Stream<Arguments> malformedPayloads() {
    return Stream.of(
        Arguments.of("truncated length-delimited field", "0a05616263"),
        Arguments.of("field number zero", "0001"),
        Arguments.of("end-group tag without a group", "0c"),
        Arguments.of("invalid wire type 6", "0e00"),
        Arguments.of("varint longer than ten bytes", "08ffffffffffffffffffff01"),
        Arguments.of("invalid UTF-8 in a proto3 string", "0a02c328"),
        Arguments.of("negative length", "0affffffff0f"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedPayloads")
  void argsThatDoNotParseGetAnErrorNamingTheTypeAndTheConnectionStaysOpen(String what, String hex) {
    Client client =
        server.connect(
            ClientOptions.DEFAULT.toBuilder()
                .codecs(ProtobufCodec.codecs().toBuilder().add(new VerbatimProtobuf()).build())
                .serializeType(SerializeType.PROTOBUF)
                .build());
    client.call(Context.background(), "Greeter", "SayHello", new byte[0], byte[].class);
    assertThat(server.server().activeConnections()).hasSize(1);
    ClientConnection connection = server.server().activeConnections().get(0);

    assertThatThrownBy(
            () ->
                client.call(
                    Context.background(),
                    "Greeter",
                    "SayHello",
                    HexFormat.of().parseHex(hex),
                    byte[].class))
        .isInstanceOf(ServiceException.class)
        .hasMessageStartingWith(
            "rpcx: can't decode the args of Greeter.SayHello: protobuf: cannot"
                + " decode io.jrpcx.interop.helloworld.HelloRequest: ");

    byte[] reply =
        client.call(
            Context.background(),
            "Greeter",
            "SayHello",
            HelloRequest.newBuilder().setName("again").build().toByteArray(),
            byte[].class);
    assertThat(new String(reply, java.nio.charset.StandardCharsets.UTF_8)).contains("Hello again");
    assertThat(server.server().activeConnections()).containsExactly(connection);
  }

  /** Sends and returns payload bytes as they are, under serialize type 2. */
  private static final class VerbatimProtobuf implements Codec {
    @Override
    public int serializeType() {
      return SerializeType.PROTOBUF;
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
