package io.jrpcx.fault;

import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A jrpcx server with default settings in a JVM of its own with a small heap, for {@link
 * HostileClientTest} to attack: serves {@code Arith}, {@code Bytes.Echo} (raw bytes back) and
 * {@code Stats.Peaks}, which reports the most heap and direct memory the process has used and
 * the server's counters. Prints {@code READY tcp@host:port pid} and ends when its standard input
 * closes.
 *
 * <p>Arguments: the child's name, then the write stall timeout in milliseconds (0: the default).
 */
public final class AttackedServer {
  private AttackedServer() {}

  public static void main(String[] args) throws Exception {
    long stallMillis = args.length > 1 ? Long.parseLong(args[1]) : 0;
    Server.Builder b = Server.builder();
    if (stallMillis > 0) {
      b.writeStallTimeout(Duration.ofMillis(stallMillis));
    }
    Server server = b.build();
    Peaks peaks = new Peaks(server);
    server.register("Arith", new ArithService(), "");
    server.register("Bytes", new Bytes(), "");
    server.register("Stats", peaks, "");
    server.start("tcp", "127.0.0.1:0");
    java.util.concurrent.ScheduledExecutorService sampler =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "peak-sampler");
              t.setDaemon(true);
              return t;
            });
    sampler.scheduleAtFixedRate(peaks::sample, 0, 5, java.util.concurrent.TimeUnit.MILLISECONDS);
    System.out.println(
        ChildServer.READY + " tcp@" + server.address() + " " + ProcessHandle.current().pid());
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for the test JVM to close our standard input (or to die)
    }
    server.close();
  }

  /** {@code Bytes.Echo}: raw bytes (serialize type 0) answered unchanged. */
  public static final class Bytes {
    public byte[] echo(byte[] data) {
      return data;
    }
  }

  /** {@code Stats.Peaks}: {@code heap=N direct=N budget=N errors=N refused=N}, in bytes. */
  public static final class Peaks {
    private final Server server;
    private final AtomicLong heap = new AtomicLong();
    private final AtomicLong direct = new AtomicLong();

    Peaks(Server server) {
      this.server = server;
    }

    public String peaks(String ignored) {
      return "heap="
          + heap.get()
          + " direct="
          + direct.get()
          + " budget="
          + server.memoryPeak()
          + " errors="
          + server.networkThreadErrors()
          + " refused="
          + server.refusedConnections();
    }

    /** One sample of the heap and direct memory in use, kept when it is the largest yet. */
    void sample() {
      // Heap in use, garbage included: an upper bound of what the attack made the server hold.
      heap.accumulateAndGet(
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
      long d = 0;
      for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
        if (pool.getName().equals("direct")) {
          d += pool.getMemoryUsed();
        }
      }
      d = Math.max(d, io.netty.util.internal.PlatformDependent.usedDirectMemory());
      direct.accumulateAndGet(d, Math::max);
    }
  }
}
