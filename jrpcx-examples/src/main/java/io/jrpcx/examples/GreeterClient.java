package io.jrpcx.examples;

import io.jrpcx.interop.helloworld.GreeterRpcx;
import io.jrpcx.interop.helloworld.HelloRequest;

/**
 * Calls {@code Greeter.SayHello} once through the generated {@code GreeterRpcx.Client} and prints
 * the reply, e.g. {@code Hello NAME}.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.GreeterClient --addr 127.0.0.1:8972 --name rpcx</pre>
 */
public final class GreeterClient {
  private GreeterClient() {}

  public static void main(String[] args) {
    Flags flags = new Flags(args);
    try (GreeterRpcx.Client greeter =
        GreeterRpcx.Client.connect(flags.get("addr", "127.0.0.1:8972"))) {
      HelloRequest request = HelloRequest.newBuilder().setName(flags.get("name", "world")).build();
      System.out.println(greeter.sayHello(request).getMessage());
    }
  }
}
