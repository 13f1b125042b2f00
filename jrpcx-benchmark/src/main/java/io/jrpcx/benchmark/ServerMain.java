package io.jrpcx.benchmark;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;

/**
 * The server JVM: starts one peer's server and answers the runner over stdin/stdout.
 *
 * <pre>
 * -&gt; READY &lt;port&gt; &lt;pid&gt; &lt;max open files&gt;   once listening
 * &lt;- gc                                  full GC, then
 * -&gt; HEAP &lt;used bytes&gt; &lt;committed bytes&gt;
 * &lt;- quit, or end of input               exits at once (a dead runner takes its servers along)
 * </pre>
 */
public final class ServerMain {
  private ServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ServerMain <peer>   peers: " + Peer.ids());
      System.exit(2);
    }
    Peer peer = Peer.of(args[0]);
    PeerServer server = peer.startServer();
    long pid = ProcessHandle.current().pid();
    System.out.println("READY " + server.port() + " " + pid + " " + ProcStats.openFileLimit(pid));
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      line = line.trim();
      if (line.equals("gc")) {
        MemoryUsage heap = collect();
        System.out.println("HEAP " + heap.getUsed() + " " + heap.getCommitted());
        System.out.flush();
      } else if (line.equals("quit")) {
        break;
      }
    }
    // No graceful shutdown: some peers wait seconds for it, and nothing here needs it.
    Runtime.getRuntime().halt(0);
  }

  /** Full collections until the used heap stops shrinking, at most five. */
  private static MemoryUsage collect() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    for (int i = 0; i < 5; i++) {
      System.gc();
      MemoryUsage after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      boolean settled = i > 0 && after.getUsed() >= heap.getUsed() * 0.99;
      heap = after;
      if (settled) {
        break;
      }
    }
    return heap;
  }
}
