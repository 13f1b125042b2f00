package io.jrpcx.examples;

import io.jrpcx.interop.helloworld.GreeterRpcx;
import io.jrpcx.interop.helloworld.HelloReply;
import io.jrpcx.interop.helloworld.HelloRequest;
import io.jrpcx.interop.helloworld.Order;
import io.jrpcx.protobuf.ProtobufCodec;
import io.jrpcx.server.Server;
import java.time.Duration;

/**
 * Serves {@code Greeter} from {@code helloworld.proto} with Protobuf (serialize type 2), through
 * the {@code GreeterRpcx} that jrpcx-protoc-plugin generated; Go rpcx clients built with
 * protoc-gen-rpcx call it too.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.GreeterServer --addr 127.0.0.1:8972</pre>
 */
public final class GreeterServer {
  private GreeterServer() {}

  /** SayHello greets the caller by name; Echo sends the order back as it came. */
  static final class Greeter implements GreeterRpcx.Service {
    @Override
    public HelloReply sayHello(HelloRequest request) {
      return HelloReply.newBuilder().setMessage("Hello " + request.getName()).build();
    }

    @Override
    public Order echo(Order order) {
      return order;
    }
  }

  public static void main(String[] args) throws InterruptedException {
    Server server = start(new Flags(args).get("addr", "127.0.0.1:8972"));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.shutdown(Duration.ofSeconds(5))));
    System.out.println("Greeter serving on tcp@" + server.address());
    server.awaitTermination();
  }

  /** Starts a server with Greeter registered on {@code addr} and returns it. */
  public static Server start(String addr) {
    Server server = Server.builder().codecs(ProtobufCodec.codecs()).build();
    GreeterRpcx.register(server, new Greeter());
    server.start("tcp", addr);
    return server;
  }
}
