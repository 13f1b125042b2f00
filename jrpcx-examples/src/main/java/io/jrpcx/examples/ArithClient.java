package io.jrpcx.examples;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;

/**
 * Calls Arith.Mul once, synchronously, like rpcx's {@code 101basic/client}.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.ArithClient --addr 127.0.0.1:8972</pre>
 *
 * <p>{@code --network tcp|http|ws|wss|unix|reuseport|quic|kcp} picks the network (default tcp;
 * reuseport is dialled as tcp); for unix {@code --addr} is the socket's path; kcp uses the rpcx
 * examples' key, as {@link ArithServer} does. With {@code --ca ca.crt} it connects over TLS,
 * trusting servers signed by that CA (on {@code wss} and {@code quic} without it, the JDK's
 * trusted CAs); adding {@code --cert client.crt --key client.key} presents a client certificate
 * (mutual TLS). {@code --insecure} accepts any server certificate, such as the self-signed one
 * {@code ArithServer --network quic} makes: for trying things out only.
 */
public final class ArithClient {
  private ArithClient() {}

  public static void main(String[] args) {
    Flags flags = new Flags(args);
    String network = flags.get("network", "tcp");
    String addr = flags.get("addr", ArithServer.defaultAddress(network));
    ClientOptions.Builder b = ClientOptions.DEFAULT.toBuilder().tls(flags.tls(false));
    if (network.equals("kcp")) {
      b.plugin(ArithServer.rpcxExampleKcp());
    }
    ClientOptions options = b.build();
    try (Client client = new Client(options)) {
      client.connect(network, addr);
      Args a = new Args(10, 20);
      Reply reply = client.call(Context.background(), "Arith", "Mul", a, Reply.class);
      System.out.printf("%d * %d = %d%n", a.A, a.B, reply.C);
    }
  }
}
