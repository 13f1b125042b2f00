package io.jrpcx.benchmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A peer's server in its own JVM ({@link ServerMain}), started with this JVM's class path: the
 * runner waits for its ready line, samples its CPU time and RSS from {@code /proc}, asks it for
 * a full GC and its heap use, and kills it afterwards.
 */
final class ServerProcess implements AutoCloseable {
  private static final int TAIL_LINES = 40;

  private final Process process;
  private final Writer control;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private final CompletableFuture<String> ready = new CompletableFuture<>();
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final boolean echo;
  private final String peer;
  private int port;
  private long pid;
  private long openFileLimit;

  private ServerProcess(Process process, String peer, boolean echo) {
    this.process = process;
    this.peer = peer;
    this.echo = echo;
    this.control = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readOutput, "server-output-" + peer);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code peer}'s server and waits until it listens.
   *
   * @param jvmArgs options for the server JVM, such as {@code -Xmx1g}
   * @param openFiles when positive, the open-file limit to run the server with (through
   *     {@code sh -c 'ulimit -n N; exec java ...'}); the limit it really got is
   *     {@link #openFileLimit()}
   * @param echo copy the server's output to this process's stderr
   */
  static ServerProcess start(
      Peer peer, List<String> jvmArgs, long openFiles, boolean echo, Duration timeout)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (openFiles > 0) {
      // "$0" is java and "$@" its arguments: nothing needs quoting. A refused raise is not
      // fatal; the server reports the limit it got.
      command.addAll(
          List.of("sh", "-c", "ulimit -n " + openFiles + " 2>/dev/null; exec \"$0\" \"$@\""));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ServerMain.class.getName());
    command.add(peer.id());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    ServerProcess server = new ServerProcess(p, peer.id(), echo);
    try {
      String line = server.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      String[] f = line.split(" ");
      server.port = Integer.parseInt(f[1]);
      server.pid = Long.parseLong(f[2]);
      server.openFileLimit = Long.parseLong(f[3]);
      return server;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      server.close();
      throw new IOException(
          peer.id()
              + " server did not start: "
              + (e instanceof TimeoutException ? "no ready line in " + timeout : e.getMessage())
              + "\n"
              + server.tail(),
          e);
    }
  }

  private void readOutput() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("READY ")) {
          ready.complete(line);
        } else if (line.startsWith("HEAP ")) {
          replies.add(line);
        } else {
          if (echo) {
            System.err.println("[" + peer + " server] " + line);
          }
          synchronized (tail) {
            if (tail.size() == TAIL_LINES) {
              tail.removeFirst();
            }
            tail.addLast(line);
          }
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    ready.completeExceptionally(new IOException("server exited with output:"));
  }

  /** The last lines the server printed, for error messages. */
  String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return pid;
  }

  long openFileLimit() {
    return openFileLimit;
  }

  long cpuNanos() {
    return ProcStats.cpuNanos(pid);
  }

  long rssBytes() {
    return ProcStats.rssBytes(pid);
  }

  /** A full GC in the server; returns its used heap in bytes afterwards. */
  long gcAndHeapUsed() throws IOException, InterruptedException {
    control.write("gc\n");
    control.flush();
    String line = replies.poll(60, TimeUnit.SECONDS);
    if (line == null) {
      throw new IOException(peer + " server did not answer gc\n" + tail());
    }
    return Long.parseLong(line.split(" ")[1]);
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
