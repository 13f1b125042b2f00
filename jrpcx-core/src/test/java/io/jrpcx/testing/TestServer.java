package io.jrpcx.testing;

import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.server.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real jrpcx server on a free loopback port for each test, serving {@code Arith} and
 * {@code Echo} plus whatever the test registers, and the clients the test made, all closed after
 * the test.
 *
 * <pre>{@code
 * @RegisterExtension final TestServer server = TestServer.create();
 * }</pre>
 */
public final class TestServer implements BeforeEachCallback, AfterEachCallback {
  private final Consumer<Server.Builder> configure;
  private final Consumer<Server> register;
  private final List<Client> clients = new ArrayList<>();
  private Server server;

  private TestServer(Consumer<Server.Builder> configure, Consumer<Server> register) {
    this.configure = configure;
    this.register = register;
  }

  public static TestServer create() {
    return new TestServer(b -> {}, s -> {});
  }

  /** A server built with {@code configure} applied and {@code register} run before it starts. */
  public static TestServer create(Consumer<Server.Builder> configure, Consumer<Server> register) {
    return new TestServer(configure, register);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Server.Builder b = Server.builder();
    configure.accept(b);
    server = b.build();
    server.register("Arith", new ArithService(), "");
    server.register("Echo", new EchoService(), "");
    register.accept(server);
    server.start("tcp", "127.0.0.1:0");
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (Client c : clients) {
      c.close();
    }
    clients.clear();
    if (server != null) {
      server.close();
    }
  }

  public Server server() {
    return server;
  }

  /** {@code host:port} the server listens on. */
  public String address() {
    return server.address();
  }

  /** A client connected to the server, closed after the test. */
  public Client connect(ClientOptions options) {
    Client c = new Client(options);
    clients.add(c);
    c.connect("tcp", address());
    return c;
  }

  public Client connect() {
    return connect(ClientOptions.DEFAULT);
  }

  /** Stops the server gracefully, waiting at most {@code timeout} for in-flight calls. */
  public boolean shutdown(Duration timeout) {
    return server.shutdown(timeout);
  }
}
