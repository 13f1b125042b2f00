package io.jrpcx.cli;

import io.jrpcx.console.Console;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jrpcx console}: the web console over a registry, until interrupted. */
@Command(
    name = "console",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = Jrpcx.Version.class,
    description =
        "Serve the web console: see the services and nodes of a registry as they change, switch"
            + " nodes inactive or active, change their weight and try calls. Runs until"
            + " interrupted (Ctrl-C).",
    footer = {
      "",
      "Without a token the console is for loopback: listening on another address it shows"
          + " everything but refuses to steer. The token may also come from the environment"
          + " variable JRPCX_CONSOLE_TOKEN, which keeps it out of the process list.",
      "",
      "Example:",
      "  jrpcx console --registry etcd://127.0.0.1:2379 --base /rpcx_test --listen"
          + " 127.0.0.1:8080%n"
    })
final class ConsoleCommand implements Callable<Integer> {
  static final String TOKEN_ENV = "JRPCX_CONSOLE_TOKEN";

  @Spec CommandSpec spec;

  @Option(
      names = "--registry",
      required = true,
      paramLabel = "URL",
      description =
          "etcd://host:port[,...], zookeeper://host:port[,...], consul://host:port,"
              + " redis://[:password@]host:port[/db] or mdns://[interface address] (read only)")
  String registry;

  @Option(
      names = {"--base-path", "--base"},
      defaultValue = "/rpcx_test",
      paramLabel = "PATH",
      description = "the servers' base path (default: ${DEFAULT-VALUE})")
  String basePath;

  @Option(
      names = "--listen",
      defaultValue = "127.0.0.1:8080",
      paramLabel = "HOST:PORT",
      description = "where the page is served (default: ${DEFAULT-VALUE})")
  String listen;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "the access token every page and API then needs (default: $" + TOKEN_ENV + ")")
  String token;

  @Option(
      names = "--timeout",
      defaultValue = "5s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "how long a registry read or write may take (default: ${DEFAULT-VALUE})")
  Duration timeout;

  /** Counted down to stop the console: by the shutdown hook, or by a test. */
  final CountDownLatch stop = new CountDownLatch(1);

  @Override
  public Integer call() throws InterruptedException {
    int colon = listen.lastIndexOf(':');
    int port;
    try {
      port = colon <= 0 ? -1 : Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new CliException(
          ExitCodes.USAGE, "--listen '" + listen + "' is not HOST:PORT (e.g. 127.0.0.1:8080)");
    }
    String host = listen.substring(0, colon).replaceAll("^\\[|\\]$", "");
    DurationConverter.requirePositive(timeout, "--timeout");
    String t = token != null ? token : System.getenv(TOKEN_ENV);
    Console console;
    try {
      console =
          Console.builder()
              .registry(registry)
              .basePath(basePath)
              .listen(host, port)
              .token(t == null || t.isEmpty() ? null : t)
              .registryTimeout(timeout)
              .start();
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new CliException(ExitCodes.UNREACHABLE, e.getMessage() + ": " + e.getCause(), e);
    }
    Thread hook = new Thread(stop::countDown, "jrpcx-console-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "jrpcx console on http://"
              + hostForUrl(console.address().getHostString())
              + ":"
              + console.address().getPort()
              + "/ for "
              + registry
              + " "
              + basePath
              + (t == null || t.isEmpty() ? "" : " (token required)"));
      out.flush();
      stop.await();
    } finally {
      console.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
    return ExitCodes.OK;
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
