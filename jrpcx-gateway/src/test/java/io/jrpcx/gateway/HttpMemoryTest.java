package io.jrpcx.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTP request bodies count against the server's one memory budget, as rpcx frames do. */
@Timeout(60)
class HttpMemoryTest {
  private static final long BUDGET = 8 << 20;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeAfter.size() - 1; i >= 0; i--) {
      closeAfter.get(i).close();
    }
  }

  private Server serve() {
    Server s = Server.builder().sharePortWith(Gateway.create()).memoryBudget(BUDGET).build();
    s.register("Arith", new ArithService(), "");
    s.start("tcp", "127.0.0.1:0");
    closeAfter.add(s);
    return s;
  }

  private Http.Raw raw(Server s) throws Exception {
    Http.Raw r = new Http.Raw(s.address(), Duration.ofSeconds(10));
    closeAfter.add(r);
    return r;
  }

  private static String bodyStart(long length) {
    return "POST /Arith HTTP/1.1\r\nHost: x\r\nX-RPCX-ServiceMethod: Mul\r\n"
        + "X-RPCX-SerializeType: 1\r\nContent-Length: "
        + length
        + "\r\n\r\n{\"A\":";
  }

  @Test
  void bodiesTheBudgetCannotHoldAre503AndOthersAreStillServed() throws Exception {
    Server s = serve();
    // Two bodies of 3 MiB announced and begun, then stalled: the budget holds them (6 of 8 MiB).
    List<Http.Raw> holders = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      holders.add(raw(s).write(bodyStart(3 << 20)));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> s.memoryInUse() >= 6 << 20);
    // A third cannot be held: 503, and its connection closes.
    String refused = raw(s).write(bodyStart(3 << 20)).readToEnd();
    assertThat(refused)
        .startsWith("HTTP/1.1 503")
        .contains("server is overloaded")
        .contains("connection: close");
    // A small request still gets room and its answer, within a second.
    HttpResponse<String> ok =
        Http.CLIENT
            .sendAsync(
                Http.gateway(s.address(), "Arith", "Mul", "{\"A\":6,\"B\":7}").build(),
                HttpResponse.BodyHandlers.ofString())
            .get(1, TimeUnit.SECONDS);
    assertThat(ok.body()).isEqualTo("{\"C\":42}");
    assertThat(s.memoryPeak()).isLessThanOrEqualTo(BUDGET + BUDGET / 4);
    // What the stalled bodies held goes back when their connections close.
    for (Http.Raw h : holders) {
      h.close();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> s.memoryInUse() == 0);
  }

  @Test
  void anAnsweredRequestGivesBackItsBody() throws Exception {
    Server s = serve();
    Http.Raw r = raw(s);
    for (int i = 0; i < 3; i++) {
      r.write(Http.rawArith("Mul", "{\"A\":2,\"B\":" + i + "}"));
      assertThat(r.readHead()).startsWith("HTTP/1.1 200");
      r.readBytes(("{\"C\":" + 2 * i + "}").length());
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> s.memoryInUse() == 0);
    assertThat(s.memoryPeak()).isPositive();
  }
}
