package io.jrpcx.transfer;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.server.Server;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run by {@link FileTransferLargeFileTest} in a JVM with a small heap: uploads a sparse file of
 * the given size to a server in this JVM and downloads it back, then prints one {@code RESULT}
 * line with both SHA-256s and the heap used.
 */
public final class LargeTransferChild {
  private LargeTransferChild() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    long size = Long.parseLong(args[1]);
    Path clientDir = Files.createDirectories(work.resolve("client"));
    Path serverDir = Files.createDirectories(work.resolve("server"));
    Path source = clientDir.resolve("big.bin");
    try (RandomAccessFile f = new RandomAccessFile(source.toFile(), "rw")) {
      f.setLength(size); // sparse: holes read as zeros and take no disk
      for (long at : new long[] {0, size / 2, size - 16}) {
        f.seek(at);
        f.write("jrpcx-side-chan!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
    }

    AtomicLong peakUsed = new AtomicLong();
    ScheduledExecutorService sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "heap-sampler");
              t.setDaemon(true);
              return t;
            });
    sampler.scheduleAtFixedRate(
        () ->
            peakUsed.accumulateAndGet(
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max),
        0,
        10,
        TimeUnit.MILLISECONDS);

    Server server = Server.builder().build();
    server.enableFileTransfer(FileTransfer.builder().directory(serverDir).build());
    server.start("tcp", "127.0.0.1:0");
    long started = System.nanoTime();
    long sent;
    long received;
    double uploadSeconds;
    MessageDigest downloaded = MessageDigest.getInstance("SHA-256");
    try (Client client = new Client()) {
      client.connect("tcp", server.address());
      sent = client.sendFile(Context.background(), source, 0, null);
      uploadSeconds = (System.nanoTime() - started) / 1e9;
      try (OutputStream sink =
          new DigestOutputStream(OutputStream.nullOutputStream(), downloaded)) {
        received = client.downloadFile(Context.background(), "big.bin", sink, null);
      }
    } finally {
      server.close();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    sampler.shutdownNow();
    long liveAfterGc = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
        liveAfterGc += pool.getCollectionUsage().getUsed();
      }
    }
    MessageDigest original = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(source)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) >= 0; ) {
        original.update(buf, 0, n);
      }
    }
    System.out.println(
        "RESULT sent="
            + sent
            + " received="
            + received
            + " source="
            + HexFormat.of().formatHex(original.digest())
            + " downloaded="
            + HexFormat.of().formatHex(downloaded.digest())
            + " storedSize="
            + Files.size(serverDir.resolve("big.bin"))
            + " maxHeap="
            + Runtime.getRuntime().maxMemory()
            + " peakHeapUsed="
            + peakUsed.get()
            + " heapAfterLastGc="
            + liveAfterGc
            + " uploadSeconds="
            + String.format(java.util.Locale.ROOT, "%.1f", uploadSeconds)
            + " seconds="
            + String.format(java.util.Locale.ROOT, "%.1f", seconds));
  }
}
