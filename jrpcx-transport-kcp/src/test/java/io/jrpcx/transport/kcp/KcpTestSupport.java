package io.jrpcx.transport.kcp;

import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Servers and clients on the kcp network with the rpcx examples' key, closed after each test. */
final class KcpTestSupport implements AutoCloseable {
  static final KcpConfig CONFIG = KcpConfig.aes(KcpConfig.pbkdf2("rpcx-key", "rpcx-salt"));

  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** A started kcp server with Arith, configured by {@code configure}. */
  Server server(Consumer<Server.Builder> configure) {
    Server.Builder b = Server.builder().plugin(CONFIG);
    configure.accept(b);
    Server s = b.build();
    closeables.add(s);
    s.register("Arith", new ArithService(), "");
    s.start("kcp", "127.0.0.1:0");
    return s;
  }

  /** A client connected over kcp to {@code address}. */
  Client client(String address, Consumer<ClientOptions.Builder> configure) {
    ClientOptions.Builder b = ClientOptions.DEFAULT.toBuilder().plugin(CONFIG);
    configure.accept(b);
    Client c = new Client(b.build());
    closeables.add(c);
    c.connect("kcp", address);
    return c;
  }

  <T extends AutoCloseable> T add(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  @Override
  public void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    closeables.clear();
  }
}
