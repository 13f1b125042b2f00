package io.jrpcx.benchmark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;

/**
 * Apache Dubbo 3: the default {@code dubbo} protocol with its default Hessian2 serialization,
 * configured through the API with no registry: the client names the server by a direct URL. QoS
 * is off (its fixed port would clash between client and server), calls time out after a minute
 * instead of Dubbo's one second, and a failed call is not retried. The service runs on Dubbo's
 * default dispatcher, or on its network threads ({@code dispatcher="direct"}) with
 * {@code -Djrpcx.bench.direct=true}.
 */
final class DubboPeer {
  private static final int TIMEOUT_MILLIS = 60_000;
  private static final int MAX_PAYLOAD = 64 << 20;

  static {
    // Without it Dubbo probes for a logging framework and says so on stdout.
    if (System.getProperty("dubbo.application.logger") == null) {
      System.setProperty("dubbo.application.logger", "slf4j");
    }
  }

  private DubboPeer() {}

  /** The provider's implementation. */
  static final class Impl implements DubboBench {
    @Override
    public CompletableFuture<GoogleMessage1> say(GoogleMessage1 message) {
      return CompletableFuture.completedFuture(BenchMessages.serve(message));
    }

    @Override
    public CompletableFuture<byte[]> echo(byte[] data) {
      return CompletableFuture.completedFuture(data);
    }
  }

  private static ApplicationConfig application(String name) {
    ApplicationConfig app = new ApplicationConfig(name);
    app.setQosEnable(false);
    return app;
  }

  static PeerServer startServer() throws IOException {
    int port = freePort();
    FrameworkModel framework = new FrameworkModel();
    ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
    protocol.setHost("127.0.0.1");
    protocol.setPayload(MAX_PAYLOAD);
    if (Boolean.getBoolean("jrpcx.bench.direct")) {
      protocol.setDispatcher("direct");
    }
    ServiceConfig<DubboBench> service = new ServiceConfig<>();
    service.setInterface(DubboBench.class);
    service.setRef(new Impl());
    DubboBootstrap bootstrap =
        DubboBootstrap.newInstance(framework)
            .application(application("jrpcx-bench-dubbo-server"))
            .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
            .protocol(protocol)
            .service(service)
            .start();
    return new PeerServer() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public void close() {
        bootstrap.destroy();
        framework.destroy();
      }
    };
  }

  static PeerClient connect(String host, int port, int connections, Workload workload) {
    FrameworkModel framework = new FrameworkModel();
    ReferenceConfig<DubboBench> reference = new ReferenceConfig<>();
    reference.setInterface(DubboBench.class);
    reference.setUrl("dubbo://" + host + ":" + port);
    reference.setTimeout(TIMEOUT_MILLIS);
    reference.setRetries(0);
    reference.setCheck(true);
    if (connections > 1) {
      // Dubbo shares one connection per server by default; "connections" opens that many.
      reference.setConnections(connections);
    }
    DubboBootstrap bootstrap =
        DubboBootstrap.newInstance(framework)
            .application(application("jrpcx-bench-dubbo-client"))
            .reference(reference);
    try {
      bootstrap.start();
      return new DubboClient(reference, bootstrap, framework, workload);
    } catch (RuntimeException e) {
      bootstrap.destroy();
      framework.destroy();
      throw e;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static final class DubboClient implements PeerClient {
    private final ReferenceConfig<DubboBench> reference;
    private final DubboBench bench;
    private final DubboBootstrap bootstrap;
    private final FrameworkModel framework;
    private final Workload workload;
    private final GoogleMessage1 message = GoogleMessage1.filled();
    private final byte[] bytes;

    DubboClient(
        ReferenceConfig<DubboBench> reference,
        DubboBootstrap bootstrap,
        FrameworkModel framework,
        Workload workload) {
      this.reference = reference;
      this.bench = reference.get();
      this.bootstrap = bootstrap;
      this.framework = framework;
      this.workload = workload;
      this.bytes = workload.isMessage() ? null : BenchMessages.bytes(workload.size());
    }

    @Override
    public CompletableFuture<?> call() {
      if (workload.isMessage()) {
        return bench
            .say(message)
            .thenApply(
                reply -> {
                  if (!BenchMessages.isServed(reply)) {
                    throw PeerClient.wrongReply(reply);
                  }
                  return reply;
                });
      }
      return bench
          .echo(bytes)
          .thenApply(
              reply -> {
                if (!BenchMessages.isEcho(bytes, reply)) {
                  throw PeerClient.wrongReply(reply == null ? null : reply.length + " bytes");
                }
                return reply;
              });
    }

    @Override
    public void close() {
      // Close the connections first: Dubbo handles their disconnect events on its own threads
      // and fails noisily when the model is destroyed under them.
      reference.destroy();
      bootstrap.destroy();
      framework.destroy();
    }
  }
}
