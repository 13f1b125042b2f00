package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.codec.JsonCodec;
import io.jrpcx.codec.SerializeType;
import io.jrpcx.internal.FrameCodec;
import io.jrpcx.protocol.Message;
import io.jrpcx.testing.Reply;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A plain blocking {@link Socket} speaking hand-built rpcx frames, for tests that must send bytes
 * no well-behaved client would. Every read is bounded by {@link #READ_TIMEOUT}.
 */
final class RawRpcxSocket implements AutoCloseable {
  /** Upper bound of every blocking read. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  /** Encodes and decodes frames with the default (64 MiB) limits. */
  static final FrameCodec CODEC = FrameCodec.defaults();

  private static final JsonCodec JSON = new JsonCodec();

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawRpcxSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code host:port}. */
  static RawRpcxSocket connect(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    int port = Integer.parseInt(hostPort.substring(colon + 1));
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout((int) READ_TIMEOUT.toMillis());
      s.connect(new InetSocketAddress(host, port), (int) READ_TIMEOUT.toMillis());
      return new RawRpcxSocket(s);
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot connect to " + hostPort, e);
    }
  }

  /** Writes {@code bytes} as they are. */
  void write(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes {@code m} with {@link #CODEC} and writes it. */
  void send(Message m) {
    write(CODEC.encode(m));
  }

  /** Sends {@code request} and reads the next frame. */
  Message call(Message request) {
    send(request);
    return readMessage();
  }

  /**
   * Reads one whole frame, header included, as raw bytes. Fails when the server closes the
   * connection or sends nothing within {@link #READ_TIMEOUT}.
   */
  byte[] readFrame() {
    try {
      byte[] header = new byte[FrameCodec.HEADER_LENGTH];
      in.readFully(header);
      assertThat(header[0]).as("magic byte of the server's frame").isEqualTo(Message.MAGIC);
      long totalLen = Integer.toUnsignedLong(ByteBuffer.wrap(header).getInt(12));
      assertThat(totalLen).as("totalLen of the server's frame").isBetween(16L, 64L << 20);
      byte[] frame = new byte[FrameCodec.HEADER_LENGTH + (int) totalLen];
      System.arraycopy(header, 0, frame, 0, header.length);
      in.readFully(frame, header.length, (int) totalLen);
      return frame;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame from the server within " + READ_TIMEOUT, e);
    } catch (EOFException e) {
      throw new AssertionError("the server closed the connection instead of answering", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads and decodes one frame. */
  Message readMessage() {
    return CODEC.decode(readFrame());
  }

  /**
   * Waits (at most {@link #READ_TIMEOUT}) for the server to close the connection and reports how:
   * the bytes it sent before closing, FIN or RST, and how long it took.
   */
  Closed awaitClosedByServer() {
    long start = System.nanoTime();
    int received = 0;
    byte[] buf = new byte[8192];
    try {
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          return new Closed(received, "EOF", elapsedMillis(start));
        }
        received += n;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "the server did not close the connection within "
              + READ_TIMEOUT
              + " ("
              + received
              + " bytes received)",
          e);
    } catch (SocketException e) {
      // The server closed with unread bytes in its receive buffer: the kernel sends RST.
      return new Closed(received, "RST (" + e.getMessage() + ")", elapsedMillis(start));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads for {@code quiet} and returns the number of bytes that arrived: 0 when the server sent
   * nothing and kept the connection open, -1 when it closed the connection.
   */
  int bytesArrivingWithin(Duration quiet) {
    try {
      socket.setSoTimeout((int) quiet.toMillis());
      try {
        byte[] buf = new byte[8192];
        int n = in.read(buf);
        return n;
      } catch (SocketTimeoutException e) {
        return 0;
      } finally {
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to do
    }
  }

  private static long elapsedMillis(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** How the server ended a connection. */
  record Closed(int bytesBeforeClose, String how, long millis) {
    @Override
    public String toString() {
      return "closed by server ("
          + how
          + " after "
          + millis
          + " ms, "
          + bytesBeforeClose
          + " bytes sent before)";
    }
  }

  // ---- frame building -------------------------------------------------------------------------

  /** A request with the given header fields, no metadata. */
  static Message request(long seq, String path, String method, int serializeType, byte[] payload) {
    return new Message()
        .setSeq(seq)
        .setServicePath(path)
        .setServiceMethod(method)
        .setSerializeType(serializeType)
        .setPayload(payload);
  }

  /** {@code Arith.Mul} with JSON args {@code {"A":a,"B":b}}. */
  static Message mul(long seq, int a, int b) {
    return request(
        seq, "Arith", "Mul", SerializeType.JSON, json("{\"A\":" + a + ",\"B\":" + b + "}"));
  }

  static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The {@code C} of a JSON {@code Reply} payload. */
  static int replyC(Message response) {
    return ((Reply) JSON.decode(response.payload(), Reply.class)).C;
  }

  /** Big-endian int at {@code offset} of {@code frame}. */
  static int intAt(byte[] frame, int offset) {
    return ByteBuffer.wrap(frame).getInt(offset);
  }

  /** Writes the big-endian {@code value} at {@code offset} of {@code frame}. */
  static void putInt(byte[] frame, int offset, int value) {
    ByteBuffer.wrap(frame).putInt(offset, value);
  }
}
