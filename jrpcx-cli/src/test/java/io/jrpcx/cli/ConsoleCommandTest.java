package io.jrpcx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.registry.etcd.EtcdServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code jrpcx console}: serves the console over a real etcd until stopped. */
class ConsoleCommandTest {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();

  @Test
  @Timeout(60)
  void servesTheConsoleUntilStopped() throws Exception {
    int port = RegistryListContract.freePort();
    StringWriter out = new StringWriter();
    CommandLine cl = Jrpcx.commandLine(new PrintWriter(out, true), new PrintWriter(out, true));
    AtomicInteger exit = new AtomicInteger(-1);
    Thread run =
        new Thread(
            () ->
                exit.set(
                    cl.execute(
                        "console",
                        "--registry",
                        "etcd://" + etcd.endpoint().substring("http://".length()),
                        "--base",
                        "/cli_console",
                        "--listen",
                        "127.0.0.1:" + port,
                        "--token",
                        "t0ken")));
    run.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("jrpcx console on"));
    assertThat(out.toString())
        .isEqualTo(
            "jrpcx console on http://127.0.0.1:"
                + port
                + "/ for etcd://"
                + etcd.endpoint().substring("http://".length())
                + " /cli_console (token required)\n");
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/services"))
                .header("Authorization", "Bearer t0ken")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"basePath\":\"/cli_console\"");

    ConsoleCommand command =
        (ConsoleCommand) cl.getSubcommands().get("console").getCommandSpec().userObject();
    command.stop.countDown();
    run.join(10_000);
    assertThat(exit.get()).isZero();
  }

  @Test
  void aBadListenAddressOrRegistryIsAUsageError() {
    Cli.Result r = Cli.run("console", "--registry", "etcd://127.0.0.1:2379", "--listen", "8080");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err())
        .isEqualTo("error: --listen '8080' is not HOST:PORT (e.g. 127.0.0.1:8080)\n");
    Cli.Result unknown =
        Cli.run("console", "--registry", "eureka://h:1", "--listen", "127.0.0.1:0");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err()).contains("unknown kind 'eureka'");
  }
}
