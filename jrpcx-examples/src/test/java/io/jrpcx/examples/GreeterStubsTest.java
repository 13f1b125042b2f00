package io.jrpcx.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.ServiceException;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.interop.helloworld.GreeterRpcx;
import io.jrpcx.interop.helloworld.HelloReply;
import io.jrpcx.interop.helloworld.HelloRequest;
import io.jrpcx.interop.helloworld.Line;
import io.jrpcx.interop.helloworld.Order;
import io.jrpcx.protobuf.ProtobufCodec;
import io.jrpcx.server.Server;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The code jrpcx-protoc-plugin generated from helloworld.proto in this module's build, used as an
 * application uses it, against a live server on loopback.
 */
class GreeterStubsTest {
  private static final Order ORDER =
      Order.newBuilder()
          .setId(1001)
          .setSku("SKU-ORDER")
          .addLines(Line.newBuilder().setSku("A-1").setQty(2))
          .addLines(Line.newBuilder().setSku("B-22").setQty(3))
          .putLabels("env", "test")
          .putLabels("region", "eu")
          .setPaid(true)
          .setTotal(19.75)
          .build();

  private Server server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theGeneratedClientCallsBothRpcsSynchronouslyAndAsynchronously() throws Exception {
    server = GreeterServer.start("127.0.0.1:0");
    try (GreeterRpcx.Client greeter = GreeterRpcx.Client.connect(server.address())) {
      assertThat(greeter.sayHello(HelloRequest.newBuilder().setName("rpcx").build()).getMessage())
          .isEqualTo("Hello rpcx");
      assertThat(greeter.echo(ORDER)).isEqualTo(ORDER);
      CompletableFuture<HelloReply> async =
          greeter.sayHelloAsync(HelloRequest.newBuilder().setName("later").build());
      assertThat(async.get(10, TimeUnit.SECONDS).getMessage()).isEqualTo("Hello later");
      assertThat(greeter.echoAsync(Order.getDefaultInstance()).get(10, TimeUnit.SECONDS))
          .isEqualTo(Order.getDefaultInstance());
    }
  }

  @Test
  void anAsyncServiceIsServedUnderTheSameNamesAndItsFailuresReachTheCaller() {
    server = Server.builder().codecs(ProtobufCodec.codecs()).build();
    GreeterRpcx.register(
        server,
        new GreeterRpcx.AsyncService() {
          @Override
          public CompletableFuture<HelloReply> sayHello(HelloRequest request) {
            return CompletableFuture.supplyAsync(
                () -> HelloReply.newBuilder().setMessage("Hi " + request.getName()).build());
          }

          @Override
          public CompletableFuture<Order> echo(Order order) {
            return CompletableFuture.failedFuture(new IllegalStateException("no orders today"));
          }
        });
    server.start("tcp", "127.0.0.1:0");
    assertThat(server.services()).containsExactly(GreeterRpcx.SERVICE_PATH);

    try (GreeterRpcx.Client greeter = GreeterRpcx.Client.connect(server.address())) {
      assertThat(greeter.sayHello(HelloRequest.newBuilder().setName("async").build()).getMessage())
          .isEqualTo("Hi async");
      assertThatThrownBy(() -> greeter.echo(ORDER))
          .isInstanceOf(ServiceException.class)
          .hasMessageContaining("no orders today");
    }
  }

  @Test
  void aClientOverAnXClientWithoutProtobufIsRefused() {
    try (Peer2PeerDiscovery discovery = new Peer2PeerDiscovery("tcp@127.0.0.1:1", "");
        XClient msgpack =
            XClient.create(
                GreeterRpcx.SERVICE_PATH,
                FailMode.FAILFAST,
                SelectMode.RANDOM_SELECT,
                discovery,
                ClientOptions.DEFAULT);
        XClient other =
            XClient.create(
                "Other",
                FailMode.FAILFAST,
                SelectMode.RANDOM_SELECT,
                discovery,
                ProtobufCodec.clientOptions(ClientOptions.DEFAULT))) {
      assertThatThrownBy(() -> new GreeterRpcx.Client(msgpack))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("ProtobufCodec.clientOptions");
      assertThatThrownBy(() -> new GreeterRpcx.Client(other))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the XClient calls Other, not Greeter");
    }
  }

  @Test
  void theGeneratedServerAnswersGoRpcxRequestFramesWithGoRpcxResponseFrames() throws IOException {
    server = GreeterServer.start("127.0.0.1:0");
    String[] hostPort = server.address().split(":");
    try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
      OutputStream out = socket.getOutputStream();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      for (String call : new String[] {"sayhello", "echo_order"}) {
        byte[] expected = resource("protobuf_" + call + "_response.bin");
        out.write(resource("protobuf_" + call + "_request.bin"));
        out.flush();
        byte[] answer = new byte[expected.length];
        in.readFully(answer);
        assertThat(answer).as(call).isEqualTo(expected);
      }
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = GreeterStubsTest.class.getResourceAsStream("/vectors2/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }
}
