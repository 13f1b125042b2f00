package io.jrpcx.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.ClientPlugin;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.protocol.Message;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live traffic per node: the console's own probes and the rates the servers publish.
 *
 * <p>The probe is rpcx's heartbeat: the console keeps one connection to every node it lists (at
 * most {@link #MAX_NODES}) with heartbeats every probe interval, and times each heartbeat from
 * its send to its echo. A heartbeat goes through the server's network stack and frame handling
 * but runs no service code and counts as no call, so probing never disturbs what is measured,
 * and Go rpcx servers answer it as jrpcx servers do. The published rates are the {@code calls}
 * and {@code connections} metadata keys the register plugins rewrite every update interval (the
 * mean per second since the server started, as rpcx defines them), sampled at each probe round.
 *
 * <p>Kept for {@link #WINDOW}; {@link #json} sums them up in {@link #BUCKET} buckets: probe
 * latency p50/p99 (nearest rank) and the latest published rates in each.
 */
final class Traffic implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Traffic.class);
  static final Duration WINDOW = Duration.ofMinutes(5);
  static final Duration BUCKET = Duration.ofSeconds(15);
  static final int MAX_NODES = 256;
  private static final Duration RECONNECT_AFTER = Duration.ofSeconds(10);

  private final RegistryView view;
  private final Duration interval;
  private final ScheduledExecutorService timer;
  private final Map<String, Probe> probes = new ConcurrentHashMap<>();

  Traffic(RegistryView view, Duration interval) {
    this.view = view;
    this.interval = interval;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "jrpcx-console-probes");
              t.setDaemon(true);
              return t;
            });
  }

  void start() {
    timer.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Follows the registry: probes new nodes, drops gone ones, samples the published rates. */
  private void round() {
    try {
      long now = System.currentTimeMillis();
      Map<String, KVPair> nodes = new LinkedHashMap<>();
      for (SortedMap<String, String> service : view.current().services().values()) {
        for (Map.Entry<String, String> n : service.entrySet()) {
          if (nodes.size() < MAX_NODES || nodes.containsKey(n.getKey())) {
            nodes.putIfAbsent(n.getKey(), new KVPair(n.getKey(), n.getValue()));
          }
        }
      }
      for (Iterator<Map.Entry<String, Probe>> it = probes.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Probe> e = it.next();
        if (!nodes.containsKey(e.getKey())) {
          e.getValue().close();
          it.remove();
        }
      }
      for (KVPair node : nodes.values()) {
        Probe p = probes.computeIfAbsent(node.key(), k -> new Probe(node));
        p.rates(now, number(node.metadata("calls")), number(node.metadata("connections")));
        p.connectIfDue(now);
      }
    } catch (RuntimeException e) {
      log.warn("a probe round failed", e);
    }
  }

  private static double number(String s) {
    if (s == null) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Every probed node's buckets over the window, oldest first. */
  ObjectNode json() {
    long now = System.currentTimeMillis();
    ObjectNode o = Views.JSON.createObjectNode();
    o.put("windowSeconds", WINDOW.toSeconds());
    o.put("bucketSeconds", BUCKET.toSeconds());
    o.put("probeIntervalMs", interval.toMillis());
    o.put("now", now);
    ObjectNode nodes = o.putObject("nodes");
    for (Map.Entry<String, Probe> e : new java.util.TreeMap<>(probes).entrySet()) {
      nodes.set(e.getKey(), e.getValue().json(now));
    }
    return o;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    probes.values().forEach(Probe::close);
    probes.clear();
  }

  /** One node: its heartbeat connection and what it measured. */
  private final class Probe implements ClientPlugin.BeforeEncode, ClientPlugin.AfterDecode {
    private final KVPair node;
    private final Map<Long, Long> sent = new ConcurrentHashMap<>();
    private final ArrayDeque<long[]> latencies = new ArrayDeque<>(); // {at ms, nanos}; guarded
    private final ArrayDeque<double[]> rates = new ArrayDeque<>(); // {at ms, calls, conns}
    private volatile Client client;
    private volatile String error;
    private long lastAttempt = Long.MIN_VALUE / 2;

    Probe(KVPair node) {
      this.node = node;
    }

    void connectIfDue(long now) {
      Client c = client;
      if (c != null && !c.isShutdown()) {
        return;
      }
      if (c != null) {
        error = "connection lost; reconnecting";
        c.close();
        client = null;
      }
      if (now - lastAttempt < RECONNECT_AFTER.toMillis()) {
        return;
      }
      lastAttempt = now;
      Client fresh =
          new Client(
              ClientOptions.builder()
                  .heartbeat(interval)
                  .connectTimeout(Duration.ofSeconds(1))
                  .plugin(this)
                  .build());
      try {
        fresh.connect(node.network(), node.address());
        client = fresh;
        error = null;
      } catch (RuntimeException e) {
        fresh.close();
        error = "cannot connect: " + e.getMessage();
      }
    }

    @Override
    public void beforeEncode(Message request) {
      if (request.isHeartbeat()) {
        if (sent.size() > 64) {
          sent.clear(); // echoes that never came
        }
        sent.put(request.seq(), System.nanoTime());
      }
    }

    @Override
    public void afterDecode(Message message) {
      if (message.isHeartbeat() && message.isResponse()) {
        Long at = sent.remove(message.seq());
        if (at != null) {
          add(latencies, new long[] {System.currentTimeMillis(), System.nanoTime() - at});
        }
      }
    }

    void rates(long now, double calls, double connections) {
      add(rates, new double[] {now, calls, connections});
    }

    private <T> void add(ArrayDeque<T> samples, T sample) {
      synchronized (samples) {
        samples.addLast(sample);
        long oldest = System.currentTimeMillis() - WINDOW.toMillis();
        while (!samples.isEmpty() && at(samples.peekFirst()) < oldest) {
          samples.removeFirst();
        }
      }
    }

    private long at(Object sample) {
      return sample instanceof long[] l ? l[0] : (long) ((double[]) sample)[0];
    }

    ObjectNode json(long now) {
      long bucket = BUCKET.toMillis();
      long first = (now - WINDOW.toMillis()) / bucket * bucket;
      Map<Long, long[]> lat = new HashMap<>();
      Map<Long, Integer> counts = new HashMap<>();
      synchronized (latencies) {
        for (long[] s : latencies) {
          long b = s[0] / bucket * bucket;
          long[] arr = lat.computeIfAbsent(b, k -> new long[latencies.size()]);
          int n = counts.merge(b, 1, Integer::sum);
          arr[n - 1] = s[1];
        }
      }
      Map<Long, double[]> rate = new HashMap<>();
      synchronized (rates) {
        for (double[] s : rates) {
          rate.put((long) s[0] / bucket * bucket, s); // the latest in each bucket
        }
      }
      ObjectNode o = Views.JSON.createObjectNode();
      o.put("error", error);
      ArrayNode points = o.putArray("points");
      for (long b = first; b <= now; b += bucket) {
        int n = counts.getOrDefault(b, 0);
        double[] r = rate.get(b);
        if (n == 0 && r == null) {
          continue;
        }
        ObjectNode p = points.addObject();
        p.put("t", b);
        p.put("probes", n);
        if (n > 0) {
          long[] sorted = Arrays.copyOf(lat.get(b), n);
          Arrays.sort(sorted);
          p.put("p50Ms", rank(sorted, 0.50) / 1e6);
          p.put("p99Ms", rank(sorted, 0.99) / 1e6);
        }
        if (r != null && !Double.isNaN(r[1])) {
          p.put("calls", r[1]);
        }
        if (r != null && !Double.isNaN(r[2])) {
          p.put("connections", r[2]);
        }
      }
      return o;
    }

    void close() {
      Client c = client;
      client = null;
      if (c != null) {
        c.close();
      }
    }
  }

  /** The nearest-rank percentile of sorted values. */
  static long rank(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
