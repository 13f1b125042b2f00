package io.jrpcx.benchmark;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.server.Server;
import io.jrpcx.transfer.Download;
import io.jrpcx.transfer.FileTransfer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar jrpcx-benchmark.jar transfer [--size 1g] [--runs 3] [--out FILE]}: a file of
 * {@code --size} bytes moved over loopback by jrpcx's side channel ({@code sendFile} and
 * {@code downloadFile}) beside the ceiling, a plain socket copy of the same file in the same
 * process with the same 64 KiB chunks. Each run measures the three in turn; the table shows the
 * median MB/s (10^6 bytes per second) of the runs and jrpcx ÷ socket copy.
 *
 * <p>Client and server run in this one JVM on loopback for all three, so they share the cores
 * alike. The source file is written once (random bytes, so no layer can shortcut zeros) and read
 * once before measuring, so every run reads it from the page cache; the receiving ends discard
 * what they read, so the disk is not measured.
 */
public final class TransferBench {
  static final int CHUNK = 64 * 1024;

  private final long size;
  private final int runs;
  private final PrintStream out;

  TransferBench(long size, int runs, PrintStream out) {
    this.size = size;
    this.runs = runs;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    long size = 1L << 30;
    int runs = 3;
    Path json = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size":
          size = parseSize(args[++i]);
          break;
        case "--runs":
          runs = Integer.parseInt(args[++i]);
          break;
        case "--out":
          json = Path.of(args[++i]);
          break;
        default:
          System.err.println("usage: transfer [--size 1g] [--runs 3] [--out FILE]");
          System.exit(2);
      }
    }
    Map<String, Double> result = new TransferBench(size, runs, System.out).run();
    if (json != null) {
      StringBuilder sb = new StringBuilder("{\"size_bytes\": " + size + ", \"runs\": " + runs);
      result.forEach(
          (k, v) ->
              sb.append(", \"")
                  .append(k)
                  .append("\": ")
                  .append(String.format(Locale.ROOT, "%.3f", v)));
      Files.writeString(json, sb.append("}\n").toString());
    }
  }

  /** Runs and prints the table; returns the medians (MB/s) and ratios by name. */
  Map<String, Double> run() throws Exception {
    Path dir = Files.createTempDirectory("jrpcx-transfer-bench");
    Path source = dir.resolve("source.bin");
    try {
      writeSource(source, size);
      Server server = Server.builder().build();
      server.enableFileTransfer(
          FileTransfer.builder()
              .uploadHandler(upload -> discard(upload.body()))
              .downloadHandler((name, meta) -> Download.of(source))
              .build());
      server.start("tcp", "127.0.0.1:0");
      try (Client client = new Client()) {
        client.connect("tcp", server.address());
        // Warm-up: the JIT compiles the copy loops before anything is timed.
        long warm = Math.min(size, 64L << 20);
        Path warmFile = dir.resolve("warm.bin");
        writeSource(warmFile, warm);
        for (int i = 0; i < 3; i++) {
          socketCopy(warmFile, warm);
          client.sendFile(Context.background(), warmFile, 0, null);
          client.downloadFile(
              Context.background(), "source.bin", OutputStream.nullOutputStream(), null);
        }
        Files.delete(warmFile);
        List<Double> socket = new ArrayList<>();
        List<Double> upload = new ArrayList<>();
        List<Double> download = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
          socket.add(mbPerSecond(size, socketCopy(source, size)));
          long t0 = System.nanoTime();
          client.sendFile(Context.background(), source, 0, null);
          upload.add(mbPerSecond(size, System.nanoTime() - t0));
          t0 = System.nanoTime();
          long got =
              client.downloadFile(
                  Context.background(), "source.bin", OutputStream.nullOutputStream(), null);
          download.add(mbPerSecond(size, System.nanoTime() - t0));
          if (got != size) {
            throw new IllegalStateException("downloaded " + got + " of " + size + " bytes");
          }
        }
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("socket_copy_mb_per_s", median(socket));
        result.put("upload_mb_per_s", median(upload));
        result.put("download_mb_per_s", median(download));
        result.put("upload_ratio", median(upload) / median(socket));
        result.put("download_ratio", median(download) / median(socket));
        out.printf(
            Locale.ROOT,
            "%s over loopback, median of %d runs (MB/s = 10^6 B/s)%n",
            human(size),
            runs);
        out.printf(Locale.ROOT, "%-28s %10s %10s   %s%n", "transfer", "MB/s", "÷ socket", "runs");
        row("plain socket copy (ceiling)", socket, 1.0);
        row("jrpcx sendFile", upload, result.get("upload_ratio"));
        row("jrpcx downloadFile", download, result.get("download_ratio"));
        return result;
      } finally {
        server.close();
      }
    } finally {
      Files.deleteIfExists(source);
      Files.deleteIfExists(dir);
    }
  }

  private void row(String name, List<Double> runs, double ratio) {
    out.printf(
        Locale.ROOT,
        "%-28s %10.0f %10.2f   %s%n",
        name,
        median(runs),
        ratio,
        runs.stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList());
  }

  /**
   * The ceiling: {@code bytes} of {@code file} written to a plain socket in 64 KiB chunks and
   * read to nothing on the other end, timed from connect until the reader has every byte.
   */
  static long socketCopy(Path file, long bytes) throws Exception {
    try (ServerSocket listener = new ServerSocket()) {
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      CompletableFuture<Long> received =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = listener.accept()) {
                  return discard(s.getInputStream());
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      long t0 = System.nanoTime();
      try (Socket s = new Socket();
          FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
        s.connect(listener.getLocalSocketAddress());
        s.setTcpNoDelay(true);
        OutputStream o = s.getOutputStream();
        byte[] chunk = new byte[CHUNK];
        ByteBuffer buf = ByteBuffer.wrap(chunk);
        long sent = 0;
        while (sent < bytes) {
          buf.clear().limit((int) Math.min(CHUNK, bytes - sent));
          int n = in.read(buf, sent);
          o.write(chunk, 0, n);
          sent += n;
        }
      }
      long got = received.get(10, TimeUnit.MINUTES);
      long elapsed = System.nanoTime() - t0;
      if (got != bytes) {
        throw new IllegalStateException("socket copy moved " + got + " of " + bytes);
      }
      return elapsed;
    }
  }

  static long discard(InputStream in) throws IOException {
    byte[] chunk = new byte[CHUNK];
    long total = 0;
    for (int n; (n = in.read(chunk)) >= 0; ) {
      total += n;
    }
    return total;
  }

  private static void writeSource(Path file, long bytes) throws IOException {
    byte[] block = new byte[1 << 20];
    new Random(42).nextBytes(block);
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long written = 0; written < bytes; ) {
        ByteBuffer b = ByteBuffer.wrap(block, 0, (int) Math.min(block.length, bytes - written));
        written += ch.write(b);
      }
    }
    try (InputStream in = Files.newInputStream(file)) {
      discard(in); // into the page cache before anything is timed
    }
  }

  private static double mbPerSecond(long bytes, long nanos) {
    return bytes / (nanos / 1e9) / 1e6;
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static long parseSize(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("g")) {
      unit = 1L << 30;
    } else if (t.endsWith("m")) {
      unit = 1L << 20;
    } else if (t.endsWith("k")) {
      unit = 1L << 10;
    }
    if (unit != 1) {
      t = t.substring(0, t.length() - 1);
    }
    return Long.parseLong(t) * unit;
  }

  private static String human(long bytes) {
    return bytes % (1L << 30) == 0
        ? bytes / (1L << 30) + " GiB"
        : bytes % (1L << 20) == 0 ? bytes / (1L << 20) + " MiB" : bytes + " bytes";
  }
}
