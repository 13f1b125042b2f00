package io.jrpcx.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.ServiceException;
import io.jrpcx.TlsConfig;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.server.Server;
import io.jrpcx.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Uploads, downloads and tokens over real loopback sockets, jrpcx client to jrpcx server. */
@Timeout(30)
class FileTransferTest {
  @TempDir Path serverDir;
  @TempDir Path clientDir;

  private Server server;
  private SideChannel files;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private final AtomicLong serverProgress = new AtomicLong(-1);

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private Client start(FileTransfer.Builder transfer) {
    return start(transfer, null, null);
  }

  private Client start(FileTransfer.Builder transfer, TlsConfig serverTls, TlsConfig clientTls) {
    server = Server.builder().tls(serverTls).build();
    files =
        server.enableFileTransfer(
            transfer.progress((n, done, total) -> serverProgress.set(done)).build());
    server.start("tcp", "127.0.0.1:0");
    Client client = new Client(ClientOptions.builder().tls(clientTls).build());
    closeAfter.add(client);
    client.connect("tcp", server.address());
    return client;
  }

  private Client startDirectory() {
    return start(FileTransfer.builder().directory(serverDir));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 1 << 20})
  void uploadAndDownloadKeepEveryByte(int size) throws IOException {
    Client client = startDirectory();
    Path source = randomFile("f" + size + ".bin", size);
    AtomicLong clientProgress = new AtomicLong(-1);

    long sent =
        client.sendFile(
            Context.background(),
            source,
            0,
            Map.of("k", "v"),
            (name, done, total) -> clientProgress.set(done));

    assertThat(sent).isEqualTo(size);
    assertThat(clientProgress).hasValue(size);
    assertThat(serverProgress).hasValue(size);
    assertThat(sha256(serverDir.resolve(source.getFileName()))).isEqualTo(sha256(source));
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    assertThat(
            client.downloadFile(Context.background(), source.getFileName().toString(), back, null))
        .isEqualTo(size);
    assertThat(sha256(back.toByteArray())).isEqualTo(sha256(source));
  }

  @Test
  void xclientSendsAndDownloadsThroughItsServicePath() throws IOException {
    startDirectory();
    Path source = randomFile("x.bin", 300_000);
    try (XClient x =
        XClient.create(
            FileTransfer.DEFAULT_SERVICE_NAME,
            FailMode.FAILTRY,
            SelectMode.RANDOM_SELECT,
            new Peer2PeerDiscovery("tcp@" + server.address(), ""),
            ClientOptions.DEFAULT)) {
      assertThat(x.sendFile(Context.background(), source, 0, null)).isEqualTo(300_000);
      ByteArrayOutputStream back = new ByteArrayOutputStream();
      x.downloadFile(Context.background(), "x.bin", back, null);
      assertThat(sha256(back.toByteArray())).isEqualTo(sha256(source));
    }
  }

  @Test
  void downloadOfAMissingFileFailsTheCall() {
    Client client = startDirectory();
    assertThatThrownBy(
            () ->
                client.downloadFile(
                    Context.background(), "nope.txt", new ByteArrayOutputStream(), null))
        .isInstanceOf(ServiceException.class)
        .hasMessage("file not found: nope.txt");
    assertThat(files.outstandingTokens()).isZero();
  }

  @Test
  void namesWithAPathAreRefusedByTheDirectoryHandlers() throws IOException {
    Client client = startDirectory();
    assertThatThrownBy(
            () ->
                client.downloadFile(
                    Context.background(), "../etc/passwd", new ByteArrayOutputStream(), null))
        .isInstanceOf(ServiceException.class)
        .hasMessageContaining("refusing file name");
  }

  @Test
  void uploadOverTheSizeLimitIsRefusedBeforeAnyByteIsStored() throws IOException {
    Client client = start(FileTransfer.builder().directory(serverDir).maxUploadSize(1000));
    Path big = randomFile("big.bin", 1001);
    assertThatThrownBy(() -> client.sendFile(Context.background(), big, 0, null))
        .isInstanceOf(ServiceException.class)
        .hasMessage("file big.bin is 1001 bytes, more than the upload limit of 1000 bytes");
    assertThat(files.outstandingTokens()).isZero();
    try (var listing = Files.list(serverDir)) {
      assertThat(listing).isEmpty();
    }
    assertThat(client.sendFile(Context.background(), randomFile("ok.bin", 1000), 0, null))
        .isEqualTo(1000);
  }

  @Test
  void aTokenServesOneConnectionOnly() throws IOException {
    Client client = startDirectory();
    FileTransferReply reply =
        client.call(
            Context.background(),
            "_filetransfer",
            "TransferFile",
            new FileTransferArgs("once.txt", 3, null),
            FileTransferReply.class);
    try (Socket s = dial(reply.addr())) {
      s.getOutputStream().write(reply.token());
      s.getOutputStream().write("abc".getBytes(StandardCharsets.US_ASCII));
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(Files.readString(serverDir.resolve("once.txt"))).isEqualTo("abc");
    Files.delete(serverDir.resolve("once.txt"));
    try (Socket s = dial(reply.addr())) {
      s.getOutputStream().write(reply.token());
      s.getOutputStream().write("xyz".getBytes(StandardCharsets.US_ASCII));
      assertThat(readToEnd(s)).isEmpty();
    }
    assertThat(serverDir.resolve("once.txt")).doesNotExist();
  }

  @Test
  void anUnknownTokenIsClosedWithoutAnswer() throws IOException {
    startDirectory();
    try (Socket s = dial(files.advertisedAddress())) {
      s.getOutputStream().write(new byte[32]);
      assertThat(readToEnd(s)).isEmpty();
    }
  }

  @Test
  void anExpiredTokenIsRefused() throws IOException {
    AtomicLong now = new AtomicLong();
    Client client =
        start(
            FileTransfer.builder()
                .directory(serverDir)
                .tokenExpiry(Duration.ofSeconds(60))
                .ticker(now::get));
    Files.writeString(serverDir.resolve("a.txt"), "content");
    FileTransferReply fresh =
        client.call(
            Context.background(),
            "_filetransfer",
            "DownloadFile",
            new DownloadFileArgs("a.txt", null),
            FileTransferReply.class);
    now.addAndGet(Duration.ofSeconds(59).toNanos());
    FileTransferReply stale =
        client.call(
            Context.background(),
            "_filetransfer",
            "DownloadFile",
            new DownloadFileArgs("a.txt", null),
            FileTransferReply.class);
    now.addAndGet(Duration.ofSeconds(2).toNanos()); // the first is 61 s old, the second 2 s

    try (Socket s = dial(fresh.addr())) {
      s.getOutputStream().write(fresh.token());
      assertThat(readToEnd(s)).isEmpty();
    }
    try (Socket s = dial(stale.addr())) {
      s.getOutputStream().write(stale.token());
      assertThat(new String(readToEnd(s), StandardCharsets.US_ASCII)).isEqualTo("content");
    }
  }

  @Test
  void beyondWaitNumTheOldestTokenIsForgotten() throws IOException {
    Client client = start(FileTransfer.builder().directory(serverDir).waitNum(2));
    Files.writeString(serverDir.resolve("a.txt"), "A");
    List<FileTransferReply> replies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      replies.add(
          client.call(
              Context.background(),
              "_filetransfer",
              "DownloadFile",
              new DownloadFileArgs("a.txt", null),
              FileTransferReply.class));
    }
    assertThat(files.outstandingTokens()).isEqualTo(2);
    try (Socket s = dial(replies.get(0).addr())) {
      s.getOutputStream().write(replies.get(0).token());
      assertThat(readToEnd(s)).isEmpty();
    }
    for (FileTransferReply r : replies.subList(1, 3)) {
      try (Socket s = dial(r.addr())) {
        s.getOutputStream().write(r.token());
        assertThat(readToEnd(s)).containsExactly('A');
      }
    }
  }

  @Test
  void aClientWritingItsTokenSlowlyIsServedWithinTheTimeout() throws Exception {
    Client client =
        start(FileTransfer.builder().directory(serverDir).tokenReadTimeout(Duration.ofSeconds(10)));
    Files.writeString(serverDir.resolve("slow.txt"), "patience");
    FileTransferReply reply =
        client.call(
            Context.background(),
            "_filetransfer",
            "DownloadFile",
            new DownloadFileArgs("slow.txt", null),
            FileTransferReply.class);
    try (Socket s = dial(reply.addr())) {
      OutputStream out = s.getOutputStream();
      byte[] token = reply.token();
      for (byte b : token) {
        out.write(b); // one segment per byte (TCP_NODELAY), paced to make the read slow
        out.flush();
        TimeUnit.MILLISECONDS.sleep(10);
      }
      assertThat(new String(readToEnd(s), StandardCharsets.US_ASCII)).isEqualTo("patience");
    }
  }

  @Test
  void aClientThatDoesNotFinishItsTokenInTimeIsClosed() throws IOException {
    Client client =
        start(FileTransfer.builder().directory(serverDir).tokenReadTimeout(Duration.ofMillis(300)));
    Files.writeString(serverDir.resolve("a.txt"), "A");
    FileTransferReply reply =
        client.call(
            Context.background(),
            "_filetransfer",
            "DownloadFile",
            new DownloadFileArgs("a.txt", null),
            FileTransferReply.class);
    try (Socket s = dial(reply.addr())) {
      s.getOutputStream().write(reply.token(), 0, 31);
      long start = System.nanoTime();
      assertThat(readToEnd(s)).isEmpty(); // the server gives up; the token is not served
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
    }
  }

  @Test
  void aConnectionCutMidFileLeavesNoFileAndTheHandlerSeesTheError() throws Exception {
    CompletableFuture<Throwable> handlerError = new CompletableFuture<>();
    Path target = serverDir.resolve("cut.bin");
    Client client =
        start(
            FileTransfer.builder()
                .uploadHandler(
                    upload -> {
                      try {
                        upload.saveTo(target);
                        handlerError.complete(null);
                      } catch (IOException e) {
                        handlerError.complete(e);
                        throw e;
                      }
                    }));
    FileTransferReply reply =
        client.call(
            Context.background(),
            "_filetransfer",
            "TransferFile",
            new FileTransferArgs("cut.bin", 1 << 20, null),
            FileTransferReply.class);
    try (Socket s = dial(reply.addr())) {
      s.getOutputStream().write(reply.token());
      s.getOutputStream().write(new byte[100_000]);
      s.setSoLinger(true, 0); // a reset, as when the client dies
    }
    assertThat(handlerError.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    assertThat(target).doesNotExist();
    try (var listing = Files.list(serverDir)) {
      assertThat(listing).as("no temporary file left").isEmpty();
    }
  }

  @Test
  void aFinCutMidFileIsAnErrorToo() throws Exception {
    CompletableFuture<Throwable> handlerError = new CompletableFuture<>();
    Client client =
        start(
            FileTransfer.builder()
                .uploadHandler(
                    upload -> {
                      try {
                        upload.body().readAllBytes();
                        handlerError.complete(null);
                      } catch (IOException e) {
                        handlerError.complete(e);
                        throw e;
                      }
                    }));
    FileTransferReply reply =
        client.call(
            Context.background(),
            "_filetransfer",
            "TransferFile",
            new FileTransferArgs("short.bin", 1000, null),
            FileTransferReply.class);
    try (Socket s = dial(reply.addr())) {
      s.getOutputStream().write(reply.token());
      s.getOutputStream().write(new byte[10]);
      s.shutdownOutput();
      assertThat(handlerError.get(10, TimeUnit.SECONDS))
          .isInstanceOf(EOFException.class)
          .hasMessage("connection closed after 10 of 1000 bytes of short.bin");
    }
  }

  @Test
  void anUploadHandlerThatFailsFailsSendFile() throws IOException {
    Client client =
        start(
            FileTransfer.builder()
                .uploadHandler(
                    upload -> {
                      throw new IOException("disk full");
                    }));
    Path source = randomFile("a.bin", 200_000);
    assertThatThrownBy(() -> client.sendFile(Context.background(), source, 0, null))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("sending a.bin failed");
  }

  @Test
  void theRateLimitIsHonouredWithinFivePercent() throws IOException {
    Client client =
        start(
            FileTransfer.builder()
                .uploadHandler(
                    upload -> upload.body().transferTo(OutputStream.nullOutputStream())));
    int size = 1_500_000;
    long rate = 1_000_000;
    Path source = randomFile("paced.bin", size);
    long[] firstAndLast = new long[2];
    client.sendFile(
        Context.background(),
        source,
        rate,
        null,
        (name, done, total) -> {
          if (done == 0) {
            firstAndLast[0] = System.nanoTime();
          } else if (done == total) {
            firstAndLast[1] = System.nanoTime();
          }
        });
    double seconds = (firstAndLast[1] - firstAndLast[0]) / 1e9;
    double measured = size / seconds;
    assertThat(measured).isBetween(rate * 0.95, rate * 1.05);
  }

  @Test
  void theContextDeadlineBoundsTheTransfer() throws IOException {
    Client client = startDirectory();
    Path source = randomFile("late.bin", 1 << 20);
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                client.sendFile(
                    Context.background().withTimeout(Duration.ofMillis(500)),
                    source,
                    256 * 1024,
                    null))
        .isInstanceOf(DeadlineExceededException.class);
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
    assertThat(serverDir.resolve("late.bin")).doesNotExist();
  }

  @Test
  void concurrentTransfersAllArriveIntact() throws Exception {
    Client client = startDirectory();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    closeAfter.add(pool::shutdownNow);
    List<Future<byte[][]>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Path source = randomFile("c" + i + ".bin", 200_000 + i);
      results.add(
          pool.submit(
              () -> {
                client.sendFile(Context.background(), source, 0, null);
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                client.downloadFile(
                    Context.background(), source.getFileName().toString(), back, null);
                return new byte[][] {sha256(source), sha256(back.toByteArray())};
              }));
    }
    for (Future<byte[][]> f : results) {
      byte[][] hashes = f.get(20, TimeUnit.SECONDS);
      assertThat(hashes[1]).isEqualTo(hashes[0]);
    }
  }

  @Test
  void theSideChannelRunsOverTlsWhenTheServerOptsIn(@TempDir Path certDir) throws IOException {
    TestCertificates certs = TestCertificates.create(certDir);
    TlsConfig serverTls =
        TlsConfig.builder().keyManager(certs.server.cert, certs.server.key).build();
    TlsConfig clientTls = TlsConfig.builder().trustManager(certs.ca.cert).build();
    Client client =
        start(FileTransfer.builder().directory(serverDir).tls(true), serverTls, clientTls);
    assertThat(files.advertisedAddress()).isEqualTo("tls@" + files.address());
    Path source = randomFile("secret.bin", 1 << 20);
    client.sendFile(Context.background(), source, 0, null);
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    client.downloadFile(Context.background(), "secret.bin", back, null);
    assertThat(sha256(back.toByteArray())).isEqualTo(sha256(source));

    // a plaintext peer that speaks the token gets nothing
    FileTransferReply reply =
        client.call(
            Context.background(),
            "_filetransfer",
            "DownloadFile",
            new DownloadFileArgs("secret.bin", null),
            FileTransferReply.class);
    try (Socket s = dial(reply.addr().substring("tls@".length()))) {
      s.getOutputStream().write(reply.token());
      assertThat(readToEnd(s)).hasSizeLessThan(100); // an alert at most, not the file
    }
  }

  @Test
  void tlsIsRefusedWhenTheServerHasNone() {
    server = Server.builder().build();
    assertThatThrownBy(
            () ->
                server.enableFileTransfer(
                    FileTransfer.builder().directory(serverDir).tls(true).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no TlsConfig");
  }

  @Test
  void closingTheServerClosesTheSideChannel() throws IOException {
    Client client = startDirectory();
    Files.writeString(serverDir.resolve("a.txt"), "A");
    FileTransferReply reply =
        client.call(
            Context.background(),
            "_filetransfer",
            "DownloadFile",
            new DownloadFileArgs("a.txt", null),
            FileTransferReply.class);
    server.close();
    assertThat(files.outstandingTokens()).isZero();
    assertThat(servedAfterClose(reply.addr(), reply.token())).isFalse();
  }

  /**
   * Whether anything still answers {@code token} at {@code addr}. Normally the connect is refused;
   * on a busy machine another process may have bound the freed port already, so a connection
   * that gives nothing back counts as not served too.
   */
  static boolean servedAfterClose(String addr, byte[] token) {
    try (Socket s = dial(addr)) {
      s.getOutputStream().write(token);
      s.setSoTimeout(2000);
      return readToEnd(s).length > 0;
    } catch (IOException e) {
      return false;
    }
  }

  // ---- helpers ----

  private Path randomFile(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return Files.write(clientDir.resolve(name), data);
  }

  static Socket dial(String hostPort) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    Socket s = new Socket();
    s.connect(
        new InetSocketAddress(
            hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
        5000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Everything until the peer closes; a reset counts as the end too. */
  static byte[] readToEnd(Socket s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
    } catch (java.net.SocketException e) {
      // connection reset: ends what we read
    }
    return out.toByteArray();
  }

  static byte[] sha256(Path p) throws IOException {
    MessageDigest d = digest();
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        d.update(buf, 0, n);
      }
    }
    return d.digest();
  }

  static byte[] sha256(byte[] b) {
    return digest().digest(b);
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
