package io.jrpcx.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.testing.ReusePort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code reuseport} network: two server processes bound to one port share its connections,
 * and a new process started before the old one shuts down takes over without a call lost. Each
 * server is a JVM of its own ({@link ReusePortServer}); callers use XClients keyed
 * {@code reuseport@host:port} with Failtry, as a Go client restarting against {@code Restart}
 * would.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NetworkReusePortTest {

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void twoProcessesShareOnePortAndARestartLosesNoCall() throws Exception {
    assumeTrue(ReusePort.runsHere(), "reuseport is Linux-only"); // fails on Linux without epoll
    String address = "127.0.0.1:" + freePort();
    List<String> jvm = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    try (ChildJvm old = ChildJvm.launch(ReusePortServer.class, jvm, "old", address)) {
      old.awaitReady();
      assertThat(old.key()).isEqualTo("reuseport@" + address);

      // Callers keep calling through the whole restart.
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong answered = new AtomicLong();
      Map<String, AtomicLong> byNode = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      List<Thread> callers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Thread t =
            new Thread(
                () -> {
                  try (XClient x =
                      XClient.create(
                          "Node",
                          FailMode.FAILTRY,
                          SelectMode.RANDOM_SELECT,
                          new Peer2PeerDiscovery("reuseport@" + address, ""),
                          ClientOptions.DEFAULT.toBuilder().retries(5).build())) {
                    while (!stop.get()) {
                      try {
                        String node =
                            x.call(
                                Context.background().withTimeout(Duration.ofSeconds(10)),
                                "Id",
                                "k",
                                String.class);
                        byNode.computeIfAbsent(node, n -> new AtomicLong()).incrementAndGet();
                        answered.incrementAndGet();
                      } catch (RuntimeException e) {
                        failures.add(e);
                      }
                    }
                  }
                },
                "caller-" + i);
        t.start();
        callers.add(t);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> answered.get() >= 100);

      try (ChildJvm fresh = ChildJvm.launch(ReusePortServer.class, jvm, "new", address)) {
        fresh.awaitReady();
        // Both listen on the port now: new connections are spread between them by the kernel.
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 40 && seen.size() < 2; i++) {
          try (Client c = new Client()) {
            c.connect("tcp", address);
            seen.add(
                c.call(
                    Context.background().withTimeout(Duration.ofSeconds(5)),
                    "Node",
                    "Id",
                    "k",
                    String.class));
          }
        }
        assertThat(seen).containsExactlyInAnyOrder("old", "new");

        old.closeInput(); // the old process shuts down gracefully
        assertThat(old.awaitExit(Duration.ofSeconds(30))).as("old process exited").isTrue();
        long afterOld = answered.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> answered.get() >= afterOld + 200);
        stop.set(true);
        for (Thread t : callers) {
          t.join(TimeUnit.SECONDS.toMillis(20));
        }
        assertThat(failures).as("calls lost in the restart").isEmpty();
        assertThat(byNode.get("old").get()).isPositive();
        assertThat(byNode.get("new").get()).isPositive();
        assertThat(fresh.alarms()).isEmpty();
      } finally {
        stop.set(true);
      }
    }
  }
}
