package io.jrpcx.registry.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two JVMs, a server and a client, multicasting to each other inside a network namespace this
 * test creates (and always deletes): lo up with MULTICAST on and the address 10.255.255.1/32, as
 * in the Go capture. Nothing leaves the namespace. It proves that the processes find each other,
 * that a SIGKILLed server leaves the client's list within its records' TTL, and that what the
 * server puts on the wire is Go's capture byte for byte. Needs root and iproute2's {@code ip};
 * without them it fails, it does not skip.
 */
class MdnsNamespaceTest {
  private static final String ADDRESS = "10.255.255.1";
  private static final Duration START = Duration.ofSeconds(30);

  /** What the client prints for an empty list. */
  private static final String EMPTY = "NODES ";

  private String netns;
  private final List<Child> children = new ArrayList<>();

  /** A child JVM in the namespace and every line it printed, with when it arrived. */
  private static final class Child {
    final Process process;
    final List<Line> lines = new CopyOnWriteArrayList<>();

    Child(Process process) {
      this.process = process;
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String l; (l = r.readLine()) != null; ) {
                    lines.add(new Line(System.nanoTime(), l));
                    if (!l.startsWith("PACKET ")) {
                      System.out.println("[child " + process.pid() + "] " + l);
                    }
                  }
                } catch (IOException e) {
                  // the child is gone
                }
              },
              "child-output-" + process.pid());
      t.setDaemon(true);
      t.start();
    }

    /** The first line {@code p} accepts that arrived at or after {@code after} (nanoTime). */
    Optional<Line> first(java.util.function.Predicate<String> p, long after) {
      return lines.stream().filter(l -> l.at - after >= 0 && p.test(l.text)).findFirst();
    }

    Optional<Line> first(String text) {
      return lines.stream().filter(l -> l.text.equals(text)).findFirst();
    }

    void awaitLine(String text) {
      await().atMost(START).until(() -> first(text).isPresent() || !process.isAlive());
      assertThat(first(text)).as("child printed " + text).isPresent();
    }

    void send(String line) throws IOException {
      OutputStream out = process.getOutputStream();
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  private record Line(long at, String text) {}

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  @BeforeEach
  void createNamespace() throws Exception {
    String uid;
    try {
      uid = run("id", "-u");
    } catch (IOException e) {
      throw new AssertionError("cannot run id(1) to check for root", e);
    }
    assertThat(uid).as("this test creates a network namespace and must run as root").isEqualTo("0");
    try {
      run("ip", "-V");
    } catch (IOException e) {
      throw new AssertionError("this test needs iproute2's ip command", e);
    }
    String name = "jrpcx-mdns-" + UUID.randomUUID().toString().substring(0, 8);
    run("ip", "netns", "add", name);
    netns = name; // from here on @AfterEach deletes it, whatever fails next
    run("ip", "-n", netns, "link", "set", "lo", "up");
    run("ip", "-n", netns, "link", "set", "lo", "multicast", "on");
    // zeroconf-style stacks skip loopback-only interfaces; the Go capture used this address.
    run("ip", "-n", netns, "addr", "add", ADDRESS + "/32", "dev", "lo");
  }

  @AfterEach
  void deleteNamespace() throws Exception {
    try {
      for (Child c : children) {
        c.process.destroyForcibly();
        c.process.waitFor(10, TimeUnit.SECONDS);
      }
    } finally {
      if (netns != null) {
        run("ip", "netns", "del", netns);
        netns = null;
      }
    }
  }

  private Child launch(Class<?> main, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                netns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
    command.addAll(List.of(args));
    // ip netns exec execs java in place, so SIGKILL on this process kills the JVM itself.
    Child c = new Child(new ProcessBuilder(command).redirectErrorStream(true).start());
    children.add(c);
    return c;
  }

  @Test
  @Timeout(120)
  void serverAndClientProcessesFindEachOtherAndAKilledServerLeavesWithinItsTtl() throws Exception {
    Child client = launch(MdnsChildClient.class, ADDRESS, "Arith");
    client.awaitLine(MdnsChildClient.READY);

    long ttlSeconds = 3;
    long launched = System.nanoTime();
    Child server =
        launch(
            MdnsChildServer.class,
            ADDRESS,
            "8972",
            Long.toString(ttlSeconds),
            "jrpcx-ns-server",
            "Arith",
            "weight=7");
    server.awaitLine(MdnsChildServer.READY);
    long ready = server.first(MdnsChildServer.READY).get().at;
    String node = "NODES tcp@" + ADDRESS + ":8972?weight=7";
    await().atMost(START).until(() -> client.first(node::equals, launched).isPresent());
    long found = client.first(node::equals, launched).get().at;

    long kill = System.nanoTime();
    server.process.destroyForcibly(); // SIGKILL: no goodbye, no unregister
    assertThat(server.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(ttlSeconds * 10))
        .until(() -> client.first(EMPTY::equals, kill).isPresent());
    long left = client.first(EMPTY::equals, kill).get().at;
    System.out.printf(
        "[mdns netns] server registered -> client lists it: %d ms (from server "
            + "launch, JVM start included: %d ms)%n",
        (found - ready) / 1_000_000, (found - launched) / 1_000_000);
    System.out.printf(
        "[mdns netns] SIGKILL -> client list empty: %d ms (record TTL %d s)%n",
        (left - kill) / 1_000_000, ttlSeconds);
    assertThat(client.lines)
        .as("the server was listed until it was killed")
        .noneMatch(l -> l.at - found > 0 && l.at - kill < 0 && l.text.equals(EMPTY));
  }

  @Test
  @Timeout(120)
  void serverPutsGosCapturedPacketsOnTheWire() throws Exception {
    Child tap = launch(MdnsChildClient.class, ADDRESS, "Arith");
    tap.awaitLine(MdnsChildClient.READY);
    long start = System.nanoTime();
    // The Go capture's server: host rpcx-go-host, tcp@10.255.255.1:8972, Arith weight=10&group=g1.
    Child server =
        launch(
            MdnsChildServer.class,
            ADDRESS,
            "8972",
            "3200",
            GoPackets.HOST,
            "Arith",
            GoPackets.META);
    server.awaitLine(MdnsChildServer.READY);
    String node = "NODES " + GoPackets.ADDRESS + "?" + GoPackets.META;
    await().atMost(START).until(() -> tap.first(node::equals, start).isPresent());
    // The first update tick (1 s) sends Go's refresh: no calls were made, so rates are 0.00.
    String refresh = "PACKET " + hex("mdns_server_txt_refresh");
    await().atMost(START).until(() -> tap.first(refresh::equals, start).isPresent());
    // zeroconf's second announcement comes one second after the first.
    await()
        .atMost(START)
        .until(
            () ->
                tap.lines.stream()
                        .filter(
                            l ->
                                l.at - start >= 0 && l.text.startsWith("PACKET 000080000000000500"))
                        .count()
                    == 2);
    server.send("close");
    server.awaitLine(MdnsChildServer.CLOSED);
    String goodbye = "PACKET " + hex("mdns_server_goodbye");
    await().atMost(START).until(() -> tap.first(goodbye::equals, start).isPresent());

    List<String> packets =
        tap.lines.stream()
            .filter(l -> l.at - start >= 0)
            .map(Line::text)
            .filter(t -> t.startsWith("PACKET "))
            .map(t -> t.substring(7))
            .toList();
    // The announcements carry the TXT of the moment: the registration's, or (if the first tick
    // came first) the refreshed one; either way exactly one of Go's two.
    List<String> announcements =
        packets.stream()
            .filter(p -> p.startsWith("000080000000000500"))
            .filter(p -> !p.equals(hex("mdns_server_goodbye")))
            .toList();
    assertThat(announcements)
        .hasSize(2)
        .allMatch(
            p ->
                p.equals(hex("mdns_server_announce_1")) || p.equals(hex("mdns_server_announce_2")));
    assertThat(packets).contains(hex("mdns_server_unregister_txt"));
    // Probes: Go's bytes after the random id.
    List<String> probes =
        packets.stream()
            .filter(p -> p.substring(4).equals(hex("mdns_server_probe").substring(4)))
            .toList();
    assertThat(probes).hasSize(2);
    assertThat(probes.get(0)).isEqualTo(probes.get(1)); // one id for both, as zeroconf
    // The client's browse queries (sent when it started): Go's 37 bytes after the random id.
    assertThat(tap.lines)
        .extracting(Line::text)
        .anyMatch(
            p ->
                p.length() == 74 + 7
                    && p.substring(7 + 4).equals(hex("mdns_client_browse_query").substring(4)));
    System.out.println(
        "[mdns netns] on the wire equal to Go's capture: announcement(s) "
            + announcements.stream()
                .map(p -> p.equals(hex("mdns_server_announce_1")) ? "announce_1" : "announce_2")
                .toList()
            + ", txt_refresh, unregister_txt, goodbye; probe and browse query apart from the id");
  }

  private static String hex(String vector) {
    return HexFormat.of().formatHex(GoPackets.get(vector));
  }
}
