package io.jrpcx.client.selector;

import io.jrpcx.Context;
import io.jrpcx.client.discovery.KVPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Smooth weighted round robin with weights from measured round-trip times, rpcx's {@code
 * WeightedICMP}. Measuring happens on the selector's own thread, never in {@link #select} or
 * {@link #updateServer}: after every list change and every probe interval, because latency moves
 * while the list stays the same (rpcx measures only on list changes).
 *
 * <p>A node not measured yet weighs as much as the nearest node can: before the first results
 * every node then weighs the same, and a newly discovered node, which the registry just reported
 * alive, is not starved while its probe runs.
 */
final class WeightedLatencySelector implements Selector {
  /** rpcx's weight for a round trip of 10 ms or less; also the weight of the unmeasured. */
  static final int MAX_WEIGHT = 191;

  /** Networks a TCP connect can reach; the others (unix, quic, kcp) cannot be timed that way. */
  private static final Set<String> TCP_NETWORKS =
      Set.of("tcp", "tcp4", "tcp6", "http", "ws", "wss", "reuseport");

  private final Function<KVPair, OptionalDouble> latency;
  private final ScheduledExecutorService prober;
  private final AtomicBoolean probeQueued = new AtomicBoolean();

  private volatile List<KVPair> servers = List.of();
  private volatile SmoothWeightedRoundRobin rotation = SmoothWeightedRoundRobin.EMPTY;

  /** Weights from the last probe of each node still listed, by key; guarded by this. */
  private final Map<String, Integer> measured = new HashMap<>();

  /** Probes by timing TCP connects on a daemon thread of its own. */
  static WeightedLatencySelector withTcpProbe(Duration probeInterval) {
    // Checked before the thread exists, so a bad argument does not leave one behind.
    intervalNanos(probeInterval);
    return new WeightedLatencySelector(new TcpConnectProbe(), newProber(), probeInterval);
  }

  /**
   * Probes with {@code latency} (round-trip milliseconds, empty when unreachable) on {@code
   * prober}, which this selector owns and shuts down on {@link #close}.
   */
  WeightedLatencySelector(
      Function<KVPair, OptionalDouble> latency,
      ScheduledExecutorService prober,
      Duration probeInterval) {
    this.latency = Objects.requireNonNull(latency, "latency");
    this.prober = Objects.requireNonNull(prober, "prober");
    long interval = intervalNanos(probeInterval);
    prober.scheduleWithFixedDelay(this::probe, interval, interval, TimeUnit.NANOSECONDS);
  }

  private static long intervalNanos(Duration probeInterval) {
    Objects.requireNonNull(probeInterval, "probeInterval");
    if (probeInterval.isNegative() || probeInterval.isZero()) {
      throw new IllegalArgumentException("probeInterval must be positive, got " + probeInterval);
    }
    try {
      return probeInterval.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  private static ScheduledExecutorService newProber() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "jrpcx-latency-probe");
              // A forgotten close() must not keep the JVM alive.
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  @Override
  public String select(Context ctx, String servicePath, String serviceMethod, Object args) {
    return rotation.pick();
  }

  @Override
  public void updateServer(List<KVPair> servers) {
    List<KVPair> copy = List.copyOf(servers);
    synchronized (this) {
      this.servers = copy;
      Set<String> keys = copy.stream().map(KVPair::key).collect(Collectors.toSet());
      measured.keySet().retainAll(keys);
      rebuild();
    }
    // Updates can come in bursts; one queued probe reads the latest list when it runs.
    if (probeQueued.compareAndSet(false, true)) {
      try {
        prober.execute(this::probe);
      } catch (RejectedExecutionException closed) {
        probeQueued.set(false);
      }
    }
  }

  @Override
  public void close() {
    prober.shutdownNow();
  }

  /** Measures every listed node, then reweighs the nodes still listed. Runs on the prober. */
  private void probe() {
    probeQueued.set(false);
    Map<String, Integer> results = new HashMap<>();
    for (KVPair node : servers) {
      results.put(node.key(), measure(node));
    }
    synchronized (this) {
      for (KVPair node : servers) {
        Integer w = results.get(node.key());
        if (w != null) {
          measured.put(node.key(), w);
        }
      }
      rebuild();
    }
  }

  private int measure(KVPair node) {
    if (!TCP_NETWORKS.contains(node.network())) {
      return MAX_WEIGHT;
    }
    try {
      return weightForRtt(latency.apply(node));
    } catch (RuntimeException e) {
      // One broken measurement must not end the periodic probing, which an exception would.
      return 0;
    }
  }

  /** Guarded by this. */
  private void rebuild() {
    List<KVPair> list = servers;
    int[] weights = new int[list.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = measured.getOrDefault(list.get(i).key(), MAX_WEIGHT);
    }
    rotation = rotation.withNodes(list.stream().map(KVPair::key).toList(), weights);
  }

  /**
   * rpcx's table from average round trip to weight: up to 10 ms 191, up to 200 ms 201 - rtt, below
   * 1 s 1, and 0 from 1 s on or when unreachable. rpcx's RTT is whole milliseconds; a fraction is
   * rounded.
   */
  static int weightForRtt(OptionalDouble rttMillis) {
    if (rttMillis.isEmpty()) {
      return 0;
    }
    double rtt = rttMillis.getAsDouble();
    if (Double.isNaN(rtt) || rtt >= 1000) {
      return 0;
    }
    if (rtt <= 10) {
      return MAX_WEIGHT;
    }
    if (rtt <= 200) {
      return (int) Math.round(201 - rtt);
    }
    return 1;
  }

  /** The weight in use for every node, in list order. */
  Map<String, Integer> weights() {
    return rotation.weights();
  }
}
