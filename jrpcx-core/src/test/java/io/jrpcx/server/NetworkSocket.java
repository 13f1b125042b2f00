package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.internal.FrameCodec;
import io.jrpcx.protocol.Message;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLSocketFactory;

/**
 * A blocking socket that speaks one network's handshake ({@code http} CONNECT, WebSocket upgrade)
 * by hand and then raw rpcx bytes, wrapped in masked WebSocket frames on {@code ws}/{@code wss}:
 * for tests that must send what no well-behaved client would. Every read is bounded.
 */
final class NetworkSocket implements AutoCloseable {
  static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
  static final String WS_KEY = "5nPAt9TJ1pGNsBySdvFQ7g==";

  final String network;
  private final String hostPort;
  private final Socket socket;
  private final InputStream rawIn;
  private final OutputStream out;

  /** rpcx bytes as the server sent them: WebSocket payloads joined on ws. */
  private final DataInputStream in;

  private NetworkSocket(String network, String hostPort, Socket socket) throws IOException {
    this.network = network;
    this.hostPort = hostPort;
    this.socket = socket;
    this.rawIn = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(isWebSocket() ? new WsPayloads() : rawIn);
  }

  /** A TCP (TLS with {@code tls}) connection to {@code hostPort}, before any handshake. */
  static NetworkSocket open(String network, String hostPort, SSLSocketFactory tls) {
    int colon = hostPort.lastIndexOf(':');
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout((int) READ_TIMEOUT.toMillis());
      s.connect(
          new InetSocketAddress(
              hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
          (int) READ_TIMEOUT.toMillis());
      Socket wrapped =
          tls == null ? s : tls.createSocket(s, hostPort.substring(0, colon), s.getPort(), true);
      return new NetworkSocket(network, hostPort, wrapped);
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot connect to " + hostPort, e);
    }
  }

  /** {@link #open} and the network's handshake, checked. */
  static NetworkSocket connect(String network, String hostPort, SSLSocketFactory tls) {
    NetworkSocket s = open(network, hostPort, tls);
    s.handshake();
    return s;
  }

  boolean isWebSocket() {
    return network.equals("ws") || network.equals("wss");
  }

  /** The well-behaved handshake of the network (none on tcp and reuseport). */
  void handshake() {
    if (network.equals("http")) {
      writeRaw("CONNECT /_rpcx_ HTTP/1.0\n\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readHead()).isEqualTo("HTTP/1.0 200 Connected to rpcx\n\n");
    } else if (isWebSocket()) {
      writeRaw(wsUpgrade("GET", "/_rpcx_", true));
      assertThat(readHead()).startsWith("HTTP/1.1 101 Switching Protocols\r\n");
    }
  }

  /** An upgrade request like Go's, with or without the Origin header. */
  byte[] wsUpgrade(String method, String path, boolean origin) {
    return (method
            + " "
            + path
            + " HTTP/1.1\r\nHost: "
            + hostPort
            + "\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: "
            + WS_KEY
            + "\r\n"
            + (origin ? "Origin: http://" + hostPort + "\r\n" : "")
            + "Sec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Writes {@code bytes} as they are. */
  void writeRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes rpcx bytes: as they are, or in one masked BINARY frame on ws. */
  void send(byte[] rpcx) {
    writeRaw(isWebSocket() ? wsFrame(0x82, rpcx, true) : rpcx);
  }

  void send(Message m) {
    send(RawRpcxSocket.CODEC.encode(m));
  }

  /** One WebSocket frame: first byte {@code b0} (FIN, RSV, opcode), masked or not. */
  static byte[] wsFrame(int b0, byte[] payload, boolean mask) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(b0);
    int m = mask ? 0x80 : 0;
    if (payload.length < 126) {
      f.write(m | payload.length);
    } else if (payload.length < 65536) {
      f.write(m | 126);
      f.write(payload.length >>> 8);
      f.write(payload.length);
    } else {
      f.write(m | 127);
      f.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
    }
    byte[] key = new byte[4];
    ThreadLocalRandom.current().nextBytes(key);
    if (mask) {
      f.writeBytes(key);
    }
    for (int i = 0; i < payload.length; i++) {
      f.write(mask ? payload[i] ^ key[i & 3] : payload[i]);
    }
    return f.toByteArray();
  }

  /** A WebSocket frame header claiming {@code length} payload bytes, masked, and no payload. */
  static byte[] wsHeaderOnly(int b0, long length) {
    return ByteBuffer.allocate(14)
        .put((byte) b0)
        .put((byte) (0x80 | 127))
        .putLong(length)
        .putInt(0x01020304)
        .array();
  }

  /** Reads an HTTP head (up to and including the blank line) from the raw socket. */
  String readHead() {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try {
      while (true) {
        int b = rawIn.read();
        if (b < 0) {
          throw new AssertionError("the server closed the connection in its answer: " + head);
        }
        head.write(b);
        String s = head.toString(StandardCharsets.ISO_8859_1);
        if (s.endsWith("\n\n") || s.endsWith("\r\n\r\n")) {
          return s;
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer from the server within " + READ_TIMEOUT + ": " + head, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads exactly {@code n} raw bytes. */
  byte[] readRaw(int n) {
    byte[] b = new byte[n];
    try {
      new DataInputStream(rawIn).readFully(b);
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one whole rpcx frame (joined across WebSocket frames on ws). */
  byte[] readFrame() {
    try {
      byte[] header = new byte[FrameCodec.HEADER_LENGTH];
      in.readFully(header);
      assertThat(header[0]).as("magic byte of the server's frame").isEqualTo(Message.MAGIC);
      int totalLen = ByteBuffer.wrap(header).getInt(12);
      byte[] frame = new byte[FrameCodec.HEADER_LENGTH + totalLen];
      System.arraycopy(header, 0, frame, 0, header.length);
      in.readFully(frame, header.length, totalLen);
      return frame;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame from the server within " + READ_TIMEOUT, e);
    } catch (EOFException e) {
      throw new AssertionError("the server closed the connection instead of answering", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Message readMessage() {
    return RawRpcxSocket.CODEC.decode(readFrame());
  }

  /** Waits for the server to close the connection; returns the raw bytes it sent before. */
  byte[] awaitClosedByServer() {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      while (true) {
        int n = rawIn.read(buf);
        if (n < 0) {
          return received.toByteArray();
        }
        received.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "the server did not close the connection within "
              + READ_TIMEOUT
              + " ("
              + received.size()
              + " bytes received)",
          e);
    } catch (SocketException | javax.net.ssl.SSLException e) {
      return received.toByteArray(); // RST: closed with our bytes unread
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

  /** The payloads of the server's (unmasked) data frames as one stream; control frames fail. */
  private final class WsPayloads extends InputStream {
    private long left;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (left == 0) {
        int b0 = rawIn.read();
        if (b0 < 0) {
          return -1;
        }
        DataInputStream d = new DataInputStream(rawIn);
        int b1 = d.readUnsignedByte();
        assertThat(b1 & 0x80).as("server frames are unmasked").isZero();
        long len7 = b1 & 0x7f;
        left = len7 == 126 ? d.readUnsignedShort() : len7 == 127 ? d.readLong() : len7;
        int opcode = b0 & 0x0f;
        assertThat(opcode).as("opcode of a server frame (BINARY or continuation)").isIn(0, 2);
      }
      int n = rawIn.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
