package io.jrpcx.transfer;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.Deadline;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end: gets a token with an rpcx call, dials the side channel and moves the bytes.
 * The context's deadline bounds the call, the connect and the transfer: when it passes, a timer
 * closes the socket, which ends any blocked read or write at once.
 */
final class SideChannelClient {
  private static final Logger log = LoggerFactory.getLogger(SideChannelClient.class);

  /**
   * How long a finished upload waits, without a deadline, for the server to close the side
   * channel (jrpcx closes it once the file is stored, and resets it when storing failed). A Go
   * handler that never closes must not hang the caller forever: past this the upload counts as
   * sent, which is all a Go client ever knows.
   */
  static final Duration UPLOAD_ACK_WAIT = Duration.ofSeconds(30);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "jrpcx-side-channel-deadline");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  private SideChannelClient() {}

  static long sendFile(
      SideChannels.Caller caller,
      TlsConfig tls,
      Context ctx,
      Path file,
      long bytesPerSecond,
      Map<String, String> meta,
      TransferProgress progress)
      throws IOException {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bytesPerSecond must not be negative");
    }
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      String name = file.getFileName().toString();
      FileTransferReply reply =
          (FileTransferReply)
              caller.call(
                  ctx,
                  "TransferFile",
                  new FileTransferArgs(name, size, meta),
                  FileTransferReply.class);
      try (Dialed d = dial(reply.addr(), reply.token(), tls, ctx)) {
        long sent = 0;
        try {
          OutputStream out = d.connection.output();
          Pacer pacer = bytesPerSecond > 0 ? new Pacer(bytesPerSecond) : null;
          SocketChannel zeroCopy = d.connection.socket.getChannel();
          if (pacer == null && zeroCopy != null && !d.connection.isTls()) {
            progress.progress(name, 0, size);
            sent = sendFileZeroCopy(in, size, zeroCopy, name, progress, file);
            awaitServerClose(d, ctx);
            return sent;
          }
          byte[] chunk = new byte[pacer == null ? Transfers.CHUNK : pacer.chunk()];
          ByteBuffer buf = ByteBuffer.wrap(chunk);
          progress.progress(name, 0, size);
          while (sent < size) {
            buf.clear().limit((int) Math.min(chunk.length, size - sent));
            int n = readLocal(in, buf, sent, file);
            out.write(chunk, 0, n);
            sent += n;
            progress.progress(name, sent, size);
            if (pacer != null) {
              pacer.await(sent);
            }
          }
          out.flush();
          awaitServerClose(d, ctx);
          return sent;
        } catch (LocalFileException e) {
          throw e.getCause(); // the caller's file, not the connection
        } catch (IOException e) {
          throw d.failure(
              "sending " + name + " failed after " + sent + " of " + size + " bytes", e);
        }
      }
    }
  }

  /**
   * The whole file with {@link FileChannel#transferTo} (sendfile: page cache to socket, no copy
   * through the heap), in 1 MiB steps so progress is told as it goes.
   */
  private static long sendFileZeroCopy(
      FileChannel in,
      long size,
      SocketChannel out,
      String name,
      TransferProgress progress,
      Path file)
      throws IOException {
    long sent = 0;
    while (sent < size) {
      long n = in.transferTo(sent, Math.min(1 << 20, size - sent), out);
      if (n <= 0) {
        if (sent >= in.size()) {
          throw new LocalFileException(
              new IOException(file + " shrank to " + sent + " bytes while being sent"));
        }
        continue;
      }
      sent += n;
      progress.progress(name, sent, size);
    }
    return sent;
  }

  private static int readLocal(FileChannel in, ByteBuffer buf, long position, Path file)
      throws LocalFileException {
    try {
      int n = in.read(buf, position);
      if (n < 0) {
        throw new IOException(file + " shrank to " + position + " bytes while being sent");
      }
      return n;
    } catch (IOException e) {
      throw new LocalFileException(e);
    }
  }

  /** A failure reading the file being sent, told apart from the side channel's failures. */
  private static final class LocalFileException extends IOException {
    private static final long serialVersionUID = 1L;

    LocalFileException(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  /**
   * Waits for the server to end the connection: a FIN means it has stored the file, a reset that
   * it failed. A plain side channel is half-closed first, since a Go handler reads until EOF.
   */
  private static void awaitServerClose(Dialed d, Context ctx) throws IOException {
    if (!d.connection.isTls()) {
      d.connection.shutdownOutput();
    }
    Deadline deadline = ctx.deadline();
    long waitMillis =
        deadline == null
            ? UPLOAD_ACK_WAIT.toMillis()
            : Math.max(1, deadline.remaining(TimeUnit.MILLISECONDS));
    d.connection.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, waitMillis));
    InputStream in = d.connection.input();
    byte[] ignored = new byte[512];
    try {
      while (in.read(ignored) >= 0) {
        // a server writes nothing on an upload; whatever it sends is not ours to interpret
      }
    } catch (SocketTimeoutException e) {
      if (deadline != null) {
        throw e;
      }
      log.debug(
          "the server did not close the side channel within {}; the upload counts as sent",
          UPLOAD_ACK_WAIT);
    }
  }

  static long downloadFile(
      SideChannels.Caller caller,
      TlsConfig tls,
      Context ctx,
      String fileName,
      OutputStream sink,
      Map<String, String> meta,
      TransferProgress progress)
      throws IOException {
    FileTransferReply reply =
        (FileTransferReply)
            caller.call(
                ctx, "DownloadFile", new DownloadFileArgs(fileName, meta), FileTransferReply.class);
    try (Dialed d = dial(reply.addr(), reply.token(), tls, ctx)) {
      long received = 0;
      InputStream in = d.connection.input();
      byte[] chunk = new byte[Transfers.CHUNK];
      progress.progress(fileName, 0, -1);
      while (true) {
        int n;
        try {
          n = in.read(chunk);
        } catch (IOException e) {
          throw d.failure("downloading " + fileName + " failed after " + received + " bytes", e);
        }
        if (n < 0) {
          return received;
        }
        sink.write(chunk, 0, n); // the caller's stream: its failure is the caller's IOException
        received += n;
        progress.progress(fileName, received, -1);
      }
    }
  }

  static ByteStream stream(
      SideChannels.Caller caller, TlsConfig tls, Context ctx, Map<String, String> meta) {
    StreamServiceReply reply =
        (StreamServiceReply)
            caller.call(ctx, "Stream", new StreamServiceArgs(meta), StreamServiceReply.class);
    return dial(reply.addr(), reply.token(), tls, ctx).connection;
  }

  /** A side-channel connection with the token written, closed at the context's deadline. */
  private static Dialed dial(String advertised, byte[] token, TlsConfig tls, Context ctx) {
    if (token == null || token.length != Transfers.TOKEN_LENGTH) {
      throw new ConnectionException(
          "the server sent a token of "
              + (token == null ? 0 : token.length)
              + " bytes, not "
              + Transfers.TOKEN_LENGTH);
    }
    boolean useTls = advertised.startsWith(Transfers.TLS_PREFIX);
    String addr =
        useTls
            ? advertised.substring(Transfers.TLS_PREFIX.length())
            : advertised.startsWith("tcp@") ? advertised.substring(4) : advertised;
    if (useTls && tls == null) {
      throw new ConnectionException(
          "the side channel " + addr + " wants TLS, and this client has no TlsConfig");
    }
    int colon = addr.lastIndexOf(':');
    if (colon < 0) {
      throw new ConnectionException("the server sent an invalid side-channel address " + addr);
    }
    String host = addr.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(addr.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new ConnectionException("the server sent an invalid side-channel address " + addr);
    }
    Deadline deadline = ctx.deadline();
    Dialed d = new Dialed(addr, deadline);
    Socket plain;
    try {
      // A channel's socket, so that an unpaced plain upload can use zero-copy sends.
      plain = SocketChannel.open().socket();
    } catch (IOException e) {
      throw new ConnectionException("cannot open a socket: " + e.getMessage(), e);
    }
    d.arm(plain);
    try {
      long connectMillis = CONNECT_TIMEOUT.toMillis();
      if (deadline != null) {
        connectMillis =
            Math.max(1, Math.min(connectMillis, deadline.remaining(TimeUnit.MILLISECONDS)));
      }
      plain.connect(new InetSocketAddress(host, port), (int) connectMillis);
      plain.setTcpNoDelay(true);
      Socket s = plain;
      if (useTls) {
        plain.setSoTimeout((int) tls.handshakeTimeout().toMillis());
        s = JdkTls.client(JdkTls.context(tls), tls, plain, host, port);
        s.setSoTimeout(0);
      }
      d.connection = new SideConnection(s, d::disarm);
      OutputStream out = d.connection.output();
      out.write(token);
      out.flush();
      return d;
    } catch (IOException e) {
      d.close();
      throw d.failure("cannot open the side channel to " + addr, e);
    }
  }

  /** Paces writes to a rate: each chunk is sent no earlier than its bytes allow. */
  static final class Pacer {
    private final long bytesPerSecond;
    private final long start = System.nanoTime();

    Pacer(long bytesPerSecond) {
      this.bytesPerSecond = bytesPerSecond;
    }

    /** About 10 ms of bytes: small enough to keep the rate even, at least 1 KiB like Go's. */
    int chunk() {
      return (int) Math.max(1024, Math.min(Transfers.CHUNK, bytesPerSecond / 100));
    }

    /** Returns once {@code sent} bytes are due, so that the whole file takes size / rate. */
    void await(long sent) throws IOException {
      long due = start + (long) (sent * 1e9 / bytesPerSecond);
      for (long left; (left = due - System.nanoTime()) > 0; ) {
        LockSupport.parkNanos(left);
        if (Thread.interrupted()) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while pacing the upload");
        }
      }
    }
  }

  /** A dialed connection and the timer that closes it at the deadline. */
  private static final class Dialed implements AutoCloseable {
    final String addr;
    final Deadline deadline;
    SideConnection connection;
    private Socket socket;
    private ScheduledFuture<?> timer;

    Dialed(String addr, Deadline deadline) {
      this.addr = addr;
      this.deadline = deadline;
    }

    void arm(Socket s) {
      socket = s;
      if (deadline != null) {
        timer =
            TIMER.schedule(
                () -> {
                  try {
                    s.setSoLinger(true, 0);
                    s.close();
                  } catch (IOException e) {
                    // closed already
                  }
                },
                Math.max(0, deadline.remaining(TimeUnit.NANOSECONDS)),
                TimeUnit.NANOSECONDS);
      }
    }

    void disarm() {
      if (timer != null) {
        timer.cancel(false);
      }
    }

    /** The failure to throw: the deadline when it has passed, else the connection's. */
    RuntimeException failure(String what, IOException cause) {
      if (deadline != null && deadline.isExpired()) {
        DeadlineExceededException e = new DeadlineExceededException(what + ": the deadline passed");
        e.initCause(cause);
        return e;
      }
      return new ConnectionException(what + ": " + cause.getMessage(), cause);
    }

    @Override
    public void close() {
      if (connection != null) {
        connection.close();
      } else {
        disarm();
        try {
          socket.close();
        } catch (IOException e) {
          // nothing left to release
        }
      }
    }
  }
}
