package io.jrpcx.examples;

import io.jrpcx.Context;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;

/**
 * Calls Arith.Mul asynchronously with {@code go}, like rpcx's {@code 101basic/client} async variant.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.ArithAsyncClient --addr 127.0.0.1:8972</pre>
 */
public final class ArithAsyncClient {
  private ArithAsyncClient() {}

  public static void main(String[] args) {
    String addr = new Flags(args).get("addr", "127.0.0.1:8972");
    try (Client client = new Client(ClientOptions.DEFAULT)) {
      client.connect("tcp", addr);
      Args a = new Args(10, 20);
      Call<Reply> call = client.go(Context.background(), "Arith", "Mul", a, Reply.class);
      // ... other work while the call is in flight ...
      Reply reply = call.done().join();
      System.out.printf("%d * %d = %d%n", a.A, a.B, reply.C);
    }
  }
}
