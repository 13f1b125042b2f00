package io.jrpcx.plugin;

import io.jrpcx.internal.FrameCodec;
import io.jrpcx.protocol.Message;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * A plain blocking socket speaking rpcx frames, optionally from a chosen local address (any of
 * 127.0.0.0/8 is loopback on Linux). Every read is bounded by five seconds.
 */
final class LoopbackSocket implements AutoCloseable {
  private static final int READ_TIMEOUT_MILLIS = 5_000;
  private static final FrameCodec CODEC = FrameCodec.defaults();

  private final Socket socket;
  private final DataInputStream in;

  private LoopbackSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
  }

  /** Connects to {@code server} ({@code host:port}, IPv6 in brackets) from {@code localIp}. */
  static LoopbackSocket connect(String server, String localIp) {
    int colon = server.lastIndexOf(':');
    String host = server.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(server.substring(colon + 1));
    Socket s = new Socket();
    try {
      s.setSoTimeout(READ_TIMEOUT_MILLIS);
      if (localIp != null) {
        s.bind(new InetSocketAddress(InetAddress.getByName(localIp), 0));
      }
      s.connect(new InetSocketAddress(InetAddress.getByName(host), port), READ_TIMEOUT_MILLIS);
      return new LoopbackSocket(s);
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot connect to " + server, e);
    }
  }

  void send(Message m) {
    try {
      socket.getOutputStream().write(CODEC.encode(m));
      socket.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the next frame; fails when the server closes or stays silent for five seconds. */
  Message readMessage() {
    try {
      byte[] header = new byte[FrameCodec.HEADER_LENGTH];
      in.readFully(header);
      int totalLen = ByteBuffer.wrap(header).getInt(12);
      byte[] frame = new byte[FrameCodec.HEADER_LENGTH + totalLen];
      System.arraycopy(header, 0, frame, 0, header.length);
      in.readFully(frame, header.length, totalLen);
      return CODEC.decode(frame);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame from the server within 5 s", e);
    } catch (EOFException e) {
      throw new AssertionError("the server closed the connection instead of answering", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits at most five seconds for the server to close the connection; returns the number of
   * bytes it sent before (a closed connection reads EOF or, with unread data, a reset).
   */
  int awaitClosedByServer() {
    int received = 0;
    byte[] buf = new byte[4096];
    try {
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          return received;
        }
        received += n;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection within 5 s", e);
    } catch (SocketException reset) {
      return received;
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
}
