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
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"),
        ChildServer.class.getName(), name));
    command.addAll(List.of(args));
    return new ChildJvm(name, new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** Waits until the child listens; returns this. */
  ChildJvm awaitReady() throws InterruptedException {
    try {
      String[] f = ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).split(" ");
      key = f[1];
      return this;
    } catch (ExecutionException | TimeoutException e) {
      close();
      throw new IllegalStateException("child server " + name + " did not start: " + e
          + "\n" + tail(), e);
    }
  }

  private void readOutput() {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
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

  /** Sends SIGKILL and waits until the process is gone; returns its exit code (137). */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("child " + name + " survived SIGKILL");
    }
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
