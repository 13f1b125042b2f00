package io.jrpcx.benchmark;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One row group of the table: a load (workload, concurrency, connections) or a number of idle
 * connections whose cost the server's heap shows.
 */
record Scenario(
    String name,
    Kind kind,
    Workload workload,
    int concurrency,
    int connections,
    int idleConnections) {

  enum Kind {
    LOAD,
    IDLE
  }

  /** Default in-flight calls of the payload sweep. */
  static final int PAYLOAD_CONCURRENCY = 16;

  static Scenario load(String name, Workload workload, int concurrency, int connections) {
    return new Scenario(name, Kind.LOAD, workload, concurrency, connections, 0);
  }

  static Scenario idle(String name, int connections) {
    return new Scenario(name, Kind.IDLE, Workload.message(), 1, 1, connections);
  }

  boolean isIdle() {
    return kind == Kind.IDLE;
  }

  /** The scenarios of a full run, in order. */
  static List<Scenario> all(int payloadConcurrency) {
    return List.of(
        load("c1", Workload.message(), 1, 1),
        load("c100", Workload.message(), 100, 1),
        load("c1000", Workload.message(), 1000, 1),
        load("c1000x4", Workload.message(), 1000, 4),
        load("payload-100B", Workload.bytes(100), payloadConcurrency, 1),
        load("payload-1KB", Workload.bytes(1024), payloadConcurrency, 1),
        load("payload-16KB", Workload.bytes(16 * 1024), payloadConcurrency, 1),
        load("payload-1MB", Workload.bytes(1024 * 1024), payloadConcurrency, 1),
        idle("idle-1k", 1_000),
        idle("idle-10k", 10_000));
  }

  /**
   * Resolves names and groups ({@code all}, {@code message} = c1,c100,c1000,c1000x4, {@code
   * payload}, {@code idle}) into scenarios, in the order of {@link #all}. Also accepts {@code
   * c<N>}, {@code c<N>x<K>} (N calls in flight over K connections) and {@code idle-<N>} for any
   * N, and {@code payload-<bytes>}.
   */
  static List<Scenario> select(List<String> names, int payloadConcurrency) {
    List<Scenario> all = all(payloadConcurrency);
    Set<Scenario> picked = new LinkedHashSet<>();
    List<Scenario> custom = new ArrayList<>();
    for (String raw : names) {
      String name = raw.trim();
      if (name.isEmpty()) {
        continue;
      }
      switch (name) {
        case "all":
          picked.addAll(all);
          continue;
        case "message":
          all.stream().filter(s -> !s.isIdle() && s.workload().isMessage()).forEach(picked::add);
          continue;
        case "payload":
          all.stream().filter(s -> !s.isIdle() && !s.workload().isMessage()).forEach(picked::add);
          continue;
        case "idle":
          all.stream().filter(Scenario::isIdle).forEach(picked::add);
          continue;
        default:
          break;
      }
      Scenario known =
          all.stream().filter(s -> s.name().equalsIgnoreCase(name)).findFirst().orElse(null);
      if (known != null) {
        picked.add(known);
      } else {
        custom.add(parse(name, payloadConcurrency));
      }
    }
    List<Scenario> out = new ArrayList<>();
    all.stream().filter(picked::contains).forEach(out::add);
    out.addAll(custom);
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no scenario selected");
    }
    return out;
  }

  private static Scenario parse(String name, int payloadConcurrency) {
    try {
      if (name.matches("c\\d+")) {
        return load(name, Workload.message(), Integer.parseInt(name.substring(1)), 1);
      }
      if (name.matches("c\\d+x\\d+")) {
        int x = name.indexOf('x');
        return load(
            name,
            Workload.message(),
            Integer.parseInt(name.substring(1, x)),
            Integer.parseInt(name.substring(x + 1)));
      }
      if (name.matches("idle-\\d+")) {
        return idle(name, Integer.parseInt(name.substring(5)));
      }
      if (name.matches("payload-\\d+")) {
        return load(
            name, Workload.bytes(Integer.parseInt(name.substring(8))), payloadConcurrency, 1);
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException(
        "unknown scenario '"
            + name
            + "'; scenarios: all, message,"
            + " payload, idle, c1, c100, c1000, c1000x4, payload-100B, payload-1KB, payload-16KB,"
            + " payload-1MB, idle-1k, idle-10k, or c<N>, c<N>x<K>, payload-<bytes>, idle-<N>");
  }

  /** The same scenario over {@code k} connections. */
  Scenario withConnections(int k) {
    return isIdle() ? this : new Scenario(name, kind, workload, concurrency, k, idleConnections);
  }

  @Override
  public String toString() {
    return isIdle()
        ? name + " (" + idleConnections + " idle connections)"
        : name + " (" + workload + ", c=" + concurrency + ", k=" + connections + ")";
  }
}
