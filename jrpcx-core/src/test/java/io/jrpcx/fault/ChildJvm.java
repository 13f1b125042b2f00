package io.jrpcx.fault;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ChildServer} in its own JVM, started with this JVM's java and class path. {@link
 * #kill()} sends SIGKILL ({@link Process#destroyForcibly()} on Linux), as {@code kill -9} does.
 */
final class ChildJvm implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final int TAIL_LINES = 30;

  private final String name;
  private final Process process;
  private final CompletableFuture<String> ready = new CompletableFuture<>();
  private final AtomicInteger held = new AtomicInteger();
  private final ArrayDeque<String> tail = new ArrayDeque<>();

  /** Lines that tell of a server in distress, kept whole (clipped) whatever the tail keeps. */
  private final java.util.Queue<String> alarms = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private final java.util.concurrent.atomic.AtomicLong longestLine =
      new java.util.concurrent.atomic.AtomicLong();
  private String key;

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader = new Thread(this::readOutput, "child-" + name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Launches child {@code name} with {@code args}; {@link #awaitReady()} waits for it. */
  static ChildJvm launch(String name, String... args) throws IOException {
    return launch(
        ChildServer.class,
        List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
        name,
        args);
  }

  /**
   * Launches {@code main} (which prints {@link ChildServer#READY} like it) in a JVM with {@code
   * jvmOptions}, as child {@code name} with {@code args}.
   */
  static ChildJvm launch(Class<?> main, List<String> jvmOptions, String name, String... args)
      throws IOException {
    return start(new ArrayList<>(), main, jvmOptions, name, args);
  }

  /**
   * {@link #launch(Class, List, String, String...)} under a file descriptor limit of {@code
   * fileLimit} ({@code ulimit -n} in a shell that then becomes the JVM).
   */
  static ChildJvm launchWithFileLimit(
      Class<?> main, List<String> jvmOptions, int fileLimit, String name, String... args)
      throws IOException {
    return start(
        new ArrayList<>(List.of("bash", "-c", "ulimit -n " + fileLimit + " && exec \"$0\" \"$@\"")),
        main,
        jvmOptions,
        name,
        args);
  }

  /** Starts {@code prefix}, then this JVM's java running {@code main} with the test class path. */
  private static ChildJvm start(
      List<String> prefix, Class<?> main, List<String> jvmOptions, String name, String... args)
      throws IOException {
    List<String> command = prefix;
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp",
            System.getProperty("java.class.path"),
            main.getName(),
            name));
    command.addAll(List.of(args));
    return new ChildJvm(name, new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** The words of a line that says the server ran out of memory or lost a network thread. */
  private static final List<String> ALARMS =
      List.of(
          "OutOfMemoryError",
          "Java heap space",
          "Unexpected exception from an event executor",
          "Cannot reserve",
          "direct buffer memory",
          "Too many open files");

  /** Lines the child printed that tell of distress (see {@link #ALARMS}), each clipped. */
  List<String> alarms() {
    return List.copyOf(alarms);
  }

  /** Length of the longest line the child printed. */
  long longestLine() {
    return longestLine.get();
  }

  /** Waits until the child listens; returns this. */
  ChildJvm awaitReady() throws InterruptedException {
    try {
      String[] f = ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).split(" ");
      key = f[1];
      return this;
    } catch (ExecutionException | TimeoutException e) {
      close();
      throw new IllegalStateException(
          "child server " + name + " did not start: " + e + "\n" + tail(), e);
    }
  }

  private void readOutput() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        longestLine.accumulateAndGet(line.length(), Math::max);
        for (String alarm : ALARMS) {
          if (line.contains(alarm)) {
            alarms.add(line.length() > 300 ? line.substring(0, 300) + "..." : line);
            break;
          }
        }
        if (line.startsWith(ChildServer.READY + " ")) {
          ready.complete(line);
        } else if (line.startsWith(ChildServer.HELD + " ")) {
          held.incrementAndGet();
        } else {
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
    ready.completeExceptionally(new IOException("child exited"));
  }

  String name() {
    return name;
  }

  /** {@code tcp@127.0.0.1:port}. */
  String key() {
    return key;
  }

  long pid() {
    return process.pid();
  }

  /** How many {@code Node.Held} calls have reached a child started with {@code hold}. */
  int held() {
    return held.get();
  }

  /**
   * Closes the child's standard input, which a child like {@link ReusePortServer} takes as the
   * sign to shut down gracefully.
   */
  void closeInput() throws IOException {
    process.getOutputStream().close();
  }

  /** Waits up to {@code timeout} for the child to exit by itself; returns whether it did. */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends SIGKILL and waits until the process is gone; returns its exit code (137). */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("child " + name + " survived SIGKILL");
    }
    return process.exitValue();
  }

  /** The exit code of a child that has exited. */
  int exitValue() {
    return process.exitValue();
  }

  String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
