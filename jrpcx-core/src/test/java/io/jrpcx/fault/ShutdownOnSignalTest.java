package io.jrpcx.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code server.shutdownOnSignal}: SIGTERM drains the calls in flight before the JVM exits. */
@Timeout(60)
class ShutdownOnSignalTest {
  @Test
  void sigtermAnswersTheCallsInFlightThenTheJvmExits() throws Exception {
    try (ChildJvm child =
            ChildJvm.launch(
                    SignalledServer.class,
                    List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                    "signalled")
                .awaitReady();
        Client client = new Client(ClientOptions.DEFAULT)) {
      client.connect("tcp", child.key().substring("tcp@".length()));
      Call<String> inFlight = client.go(Context.background(), "Slow", "Held", "k1", String.class);
      await().atMost(Duration.ofSeconds(10)).until(() -> child.held() == 1);

      assertThat(ProcessHandle.of(child.pid()).orElseThrow().destroy()).isTrue(); // SIGTERM

      assertThat(inFlight.done().get(15, TimeUnit.SECONDS)).isEqualTo("done k1");
      assertThat(child.awaitExit(Duration.ofSeconds(20))).as(child.tail()).isTrue();
      assertThat(child.exitValue()).as("exit code of SIGTERM").isEqualTo(128 + 15);
    }
  }
}
