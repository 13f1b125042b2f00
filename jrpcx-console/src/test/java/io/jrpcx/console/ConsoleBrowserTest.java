package io.jrpcx.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.ClientPlugin;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.ServiceDiscovery;
import io.jrpcx.registry.Registries;
import io.jrpcx.registry.etcd.EtcdServer;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The page in Debian's headless Chromium, driven by Playwright ({@code src/test/browser}, installed
 * by {@code npm ci} in the build): real etcd, two real servers, an XClient calling them under load
 * and the console; each step runs {@code node console.mjs MODE ...} and checks what it printed and
 * what the XClient did. Screenshots land in {@code target/console-screenshots}.
 */
@Timeout(120)
class ConsoleBrowserTest {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();
  private static final String BASE = "/console_browser";
  private static final Path BROWSER_DIR =
      Paths.get(System.getProperty("jrpcx.console.browserDir", "target/browser"));
  private static final Path SHOTS =
      Paths.get(System.getProperty("jrpcx.console.screenshots", "target/console-screenshots"));

  private static Servers servers;
  private static String a;
  private static String b;
  private static Console console;
  private static String url;

  @BeforeAll
  static void start() throws IOException {
    assertThat(Paths.get("/usr/bin/chromium"))
        .as("the browser tests need Debian's chromium: apt-get install chromium")
        .exists();
    assertThat(BROWSER_DIR.resolve("node_modules/playwright-core"))
        .as("npm ci in " + BROWSER_DIR + " (the build runs it)")
        .exists();
    Files.createDirectories(SHOTS);
    // The plugins rewrite their entries (with the rates) every second, as a steer is written.
    servers = new Servers(etcd.endpoint(), BASE, Duration.ofSeconds(1));
    a = servers.start("Arith", new ArithService(), "weight=1&group=blue");
    b = servers.start("Arith", new ArithService(), "weight=1&group=blue");
    console =
        Console.builder()
            .registry("etcd://" + etcd.endpoint().substring("http://".length()))
            .basePath(BASE)
            .listen("127.0.0.1", 0)
            .probeInterval(Duration.ofMillis(500))
            .start();
    url = "http://127.0.0.1:" + console.address().getPort() + "/";
  }

  @AfterAll
  static void stop() throws Exception {
    if (console != null) {
      console.close();
    }
    if (servers != null) {
      servers.close();
    }
  }

  /** What one run of the script printed as {@code RESULT name=value}. */
  private static Map<String, String> browse(String consoleUrl, String mode, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("node", "console.mjs", mode, consoleUrl));
    command.add(SHOTS.toAbsolutePath().toString());
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(BROWSER_DIR.toFile())
            .redirectErrorStream(true)
            .start();
    // Read while it runs, so a full pipe never blocks it.
    byte[][] out = new byte[1][];
    Thread reader =
        new Thread(
            () -> {
              try {
                out[0] = p.getInputStream().readAllBytes();
              } catch (IOException e) {
                out[0] = e.toString().getBytes(StandardCharsets.UTF_8);
              }
            });
    reader.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(mode + ": the browser script did not finish within 60 s");
    }
    reader.join(5_000);
    String text = new String(out[0], StandardCharsets.UTF_8);
    System.out.print("[browser " + mode + "]\n" + text);
    assertThat(p.exitValue()).as(mode + " printed:\n" + text).isZero();
    Map<String, String> results = new HashMap<>();
    text.lines()
        .filter(l -> l.startsWith("RESULT "))
        .forEach(
            l -> {
              int eq = l.indexOf('=');
              results.put(l.substring(7, eq), l.substring(eq + 1));
            });
    return results;
  }

  /** Calls Arith.Mul through an XClient from {@code threads} threads until closed. */
  static final class Load implements AutoCloseable {
    final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> lastCallMs = new ConcurrentHashMap<>();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong wrong = new AtomicLong();
    final XClient client;
    private final ServiceDiscovery discovery;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    Load(String registry, int threads) {
      discovery = Registries.discovery(registry, BASE, "Arith");
      ClientPlugin.CallStarted count =
          (call, message, address) -> {
            String node = "tcp@" + address;
            calls.computeIfAbsent(node, k -> new AtomicLong()).incrementAndGet();
            lastCallMs.computeIfAbsent(node, k -> new AtomicLong()).set(System.currentTimeMillis());
          };
      client =
          XClient.create(
              "Arith",
              FailMode.FAILFAST,
              SelectMode.WEIGHTED_ROUND_ROBIN,
              discovery,
              ClientOptions.builder().plugin(count).build());
      for (int i = 0; i < threads; i++) {
        Thread t = new Thread(this::run, "load-" + i);
        t.setDaemon(true);
        this.threads.add(t);
        t.start();
      }
    }

    private void run() {
      Args args = new Args(10, 20);
      while (running.get()) {
        try {
          Reply r =
              client.call(
                  Context.background().withTimeout(Duration.ofSeconds(5)),
                  "Mul",
                  args,
                  Reply.class);
          if (r.C != 200) {
            wrong.incrementAndGet();
          }
        } catch (RuntimeException e) {
          failed.incrementAndGet();
        }
      }
    }

    long count(String node) {
      AtomicLong c = calls.get(node);
      return c == null ? 0 : c.get();
    }

    long total() {
      return calls.values().stream().mapToLong(AtomicLong::get).sum();
    }

    boolean sees(String node, String key, String value) {
      for (KVPair p : client.servers()) {
        if (p.key().equals(node)) {
          return value == null || value.equals(p.metadata(key));
        }
      }
      return false;
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join(10_000);
      }
      client.close();
      discovery.close();
    }
  }

  @Test
  void steeringFromThePageMovesAnXClientsTrafficAndTheCallFormAnswers() throws Exception {
    String registry = "etcd://" + etcd.endpoint().substring("http://".length());
    try (Load load = new Load(registry, 2)) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> load.count(a) > 100 && load.count(b) > 100);

      // 1. the page lists the service and both nodes
      Map<String, String> listed = browse(url, "list", "Arith", a, b);
      assertThat(listed).containsEntry("services", "Arith");
      assertThat(listed)
          .containsEntry("state." + a, "active")
          .containsEntry("state." + b, "active");
      assertThat(listed).containsEntry("weight." + a, "1");

      // 2. switching a inactive stops the XClient's calls to it, with no call failing
      Map<String, String> off = browse(url, "toggle", "Arith", a, "inactive");
      long clicked = Long.parseLong(off.get("clickedAtMs"));
      assertThat(off.get("confirm")).isEqualTo("inactive: confirmed by the registry");
      await().atMost(Duration.ofSeconds(20)).until(() -> !load.sees(a, null, null));
      long toA = load.count(a);
      long total = load.total();
      await().atMost(Duration.ofSeconds(30)).until(() -> load.total() > total + 500);
      assertThat(load.count(a))
          .as("calls to the inactive node after the XClient saw it")
          .isEqualTo(toA);
      long lastToA = load.lastCallMs.get(a).get();
      System.out.printf(
          "click on 'Switch inactive' -> the XClient's last call to %s: %d ms%n",
          a, lastToA - clicked);
      assertThat(load.failed.get()).as("failed calls").isZero();

      // 3. switched active again and given weight 4 against b's 1, a takes about 4/5 of the calls
      browse(url, "toggle", "Arith", a, "active");
      Map<String, String> weighted = browse(url, "weight", "Arith", a, "4");
      assertThat(weighted.get("confirm")).isEqualTo("weight 4: confirmed by the registry");
      await().atMost(Duration.ofSeconds(20)).until(() -> load.sees(a, "weight", "4"));
      long a0 = load.count(a);
      long b0 = load.count(b);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> load.count(a) - a0 + load.count(b) - b0 >= 2000);
      double share = (double) (load.count(a) - a0) / (load.count(a) - a0 + load.count(b) - b0);
      System.out.printf("share of %s at weight 4 against 1: %.3f%n", a, share);
      assertThat(share).isBetween(0.7, 0.9);

      // 4. the traffic charts: probe latency and the calls/s the servers publish
      Map<String, String> traffic = browse(url, "traffic", a, b);
      assertThat(traffic.get("latest." + a))
          .matches("p50 [0-9.]+ ms · p99 [0-9.]+ ms · [0-9.]+ calls/s");
      assertThat(Integer.parseInt(traffic.get("p50points." + a))).isPositive();
      assertThat(Integer.parseInt(traffic.get("callspoints." + b))).isPositive();

      // 5. the call form
      Map<String, String> call =
          browse(url, "call", "Arith", "Mul", "{\"A\":10,\"B\":20}", "msgpack");
      assertThat(call).containsEntry("reply", "{\"C\":200}");
      assertThat(call.get("node")).isIn(a, b);
      assertThat(call.get("latency")).endsWith(" ms");

      assertThat(load.failed.get()).as("failed calls").isZero();
      assertThat(load.wrong.get()).as("wrong replies").isZero();
    }
  }

  @Test
  void aWrongTokenIsRefusedAndTheRightOneOpensThePage() throws Exception {
    try (Console guarded =
        Console.builder()
            .registry("etcd://" + etcd.endpoint().substring("http://".length()))
            .basePath(BASE)
            .listen("127.0.0.1", 0)
            .token("open sesame")
            .start()) {
      Map<String, String> r =
          browse(
              "http://127.0.0.1:" + guarded.address().getPort() + "/",
              "token",
              "wrong",
              "open sesame",
              "Arith");
      assertThat(r).containsEntry("apiWithoutToken", "401");
      assertThat(r).containsEntry("afterWrongToken", "/login");
      assertThat(r).containsEntry("afterRightToken", "/");
    }
  }
}
