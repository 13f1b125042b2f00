package io.jrpcx.examples;

import io.jrpcx.Context;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.server.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Three Arith servers on loopback and one Failover XClient under load; halfway through, one
 * server is stopped. Prints how many calls failed out of how many were made.
 *
 * <pre>
 * java -cp jrpcx-examples.jar io.jrpcx.examples.FailoverLoad --duration 10s --concurrency 32 \
 *     --stop close   # or --stop shutdown for a graceful stop
 * </pre>
 */
public final class FailoverLoad {
  private FailoverLoad() {}

  public static void main(String[] args) throws Exception {
    Flags flags = new Flags(args);
    Duration duration = Duration.parse("PT" + flags.get("duration", "10s").toUpperCase());
    int concurrency = Integer.parseInt(flags.get("concurrency", "32"));
    boolean graceful = "shutdown".equals(flags.get("stop", "close"));

    List<Server> servers = new ArrayList<>();
    List<KVPair> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Server s = ArithServer.start("127.0.0.1:0");
      servers.add(s);
      nodes.add(new KVPair("tcp@" + s.address(), ""));
    }
    AtomicLong calls = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try (MultipleServersDiscovery discovery = new MultipleServersDiscovery(nodes);
        XClient x =
            XClient.create(
                "Arith",
                FailMode.FAILOVER,
                SelectMode.ROUND_ROBIN,
                discovery,
                ClientOptions.DEFAULT)) {
      for (int t = 0; t < concurrency; t++) {
        pool.execute(
            () -> {
              int i = 0;
              while (!stop.get()) {
                Args a = new Args(i, 7);
                try {
                  Context ctx = Context.background().withTimeout(Duration.ofSeconds(5));
                  if (x.call(ctx, "Mul", a, Reply.class).C != i * 7) {
                    failed.incrementAndGet();
                  }
                } catch (RuntimeException e) {
                  failed.incrementAndGet();
                }
                calls.incrementAndGet();
                i++;
              }
            });
      }
      long half = duration.toNanos() / 2;
      TimeUnit.NANOSECONDS.sleep(half);
      Server victim = servers.get(1);
      long atStop = calls.get();
      if (graceful) {
        victim.shutdown(Duration.ofSeconds(5));
      } else {
        victim.close();
      }
      System.out.printf(
          "stopped %s (%s) after %d calls%n",
          victim.address(), graceful ? "graceful shutdown" : "closed at once", atStop);
      TimeUnit.NANOSECONDS.sleep(duration.toNanos() - half);
      stop.set(true);
      pool.shutdown();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    } finally {
      servers.forEach(Server::close);
    }
    System.out.printf(
        "Failover, 3 nodes, one stopped mid-run, %d callers, %s: %d failed of %d"
            + " calls (%.0f calls/s)%n",
        concurrency, duration, failed.get(), calls.get(), calls.get() / (duration.toNanos() / 1e9));
  }
}
