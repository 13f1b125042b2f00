package io.jrpcx.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.server.ServerPlugin;
import io.jrpcx.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clients that vanish, and errors in the gateway, are logged in proportion and contained. */
class HttpFailuresTest {
  final AtomicInteger closed = new AtomicInteger();
  final Gateway gateway = Gateway.create();

  @RegisterExtension
  final TestServer server =
      TestServer.create(
          b ->
              b.sharePortWith(gateway)
                  .plugin((ServerPlugin.PostConnClose) conn -> closed.incrementAndGet())
                  .plugin(
                      (ServerPlugin.PostReadRequest)
                          (conn, request) -> {
                            if (request.servicePath().equals("OutOfMemory")) {
                              throw new OutOfMemoryError("thrown by a test plugin");
                            }
                          }),
          s -> {});

  @Test
  @Timeout(60)
  void clientsThatDisconnectMidBodyLeaveNoWarningOrStackTrace() throws Exception {
    String head =
        Http.rawArith("Mul", "{\"A\":2,\"B\":3}")
            .replace("Content-Length: 13", "Content-Length: 1000");
    try (LogCapture log = LogCapture.start()) {
      for (int i = 0; i < 200; i++) {
        Http.Raw r = new Http.Raw(server.address());
        r.write(head);
        if (i % 2 == 0) {
          r.reset();
        } else {
          r.close();
        }
      }
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> closed.get() >= 200);
      HttpResponse<String> after =
          Http.send(Http.gateway(server.address(), "Arith", "Mul", "{\"A\":6,\"B\":7}"));
      assertThat(after.body()).isEqualTo("{\"C\":42}");

      assertThat(log.warningsAndStackTraces()).isEmpty();
    }
  }

  @Test
  @Timeout(30)
  void anErrorWhileServingIsAnswered500AndClosesOnlyItsConnectionLoggedOnce() throws Exception {
    long before = gateway.failures().unexpectedFailures();
    try (LogCapture log = LogCapture.start()) {
      for (int i = 0; i < 20; i++) {
        try (Http.Raw r = new Http.Raw(server.address())) {
          String answer =
              r.write(Http.rawArith("Mul", "{}").replace("POST /Arith", "POST /OutOfMemory"))
                  .readToEnd();
          assertThat(answer)
              .startsWith("HTTP/1.1 500 Internal Server Error")
              .contains("connection: close");
        }
      }
      HttpResponse<String> after =
          Http.send(Http.gateway(server.address(), "Arith", "Mul", "{\"A\":6,\"B\":7}"));
      assertThat(after.body()).isEqualTo("{\"C\":42}");

      assertThat(gateway.failures().unexpectedFailures() - before).isEqualTo(20);
      // Rate limited: far fewer than 20 records, each with at most one stack trace.
      assertThat(log.lines().stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")))
          .hasSizeBetween(1, 5);
      assertThat(log.lines().stream().filter(l -> l.startsWith("java.lang.OutOfMemoryError")))
          .hasSizeLessThanOrEqualTo(5);
    }
  }
}
