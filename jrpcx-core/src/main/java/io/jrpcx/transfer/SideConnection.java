package io.jrpcx.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.ssl.SSLSocket;

/** One side-channel socket (plain or TLS) past its token, on either end. */
final class SideConnection implements ByteStream {
  final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final Runnable onClose;

  SideConnection(Socket socket, Runnable onClose) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.onClose = onClose;
  }

  @Override
  public InputStream input() {
    return in;
  }

  @Override
  public OutputStream output() {
    return out;
  }

  @Override
  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public String remoteAddress() {
    return format(socket.getRemoteSocketAddress());
  }

  boolean isTls() {
    return socket instanceof SSLSocket;
  }

  /**
   * Closes with a reset rather than a FIN, so that the peer sees a failure, not the clean end of
   * a (truncated) file.
   */
  void abort() {
    try {
      if (!socket.isClosed()) {
        socket.setSoLinger(true, 0);
      }
    } catch (IOException e) {
      // closing anyway
    }
    close();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to release
    } finally {
      onClose.run();
    }
  }

  static String format(SocketAddress address) {
    if (!(address instanceof InetSocketAddress)) {
      return String.valueOf(address);
    }
    InetSocketAddress a = (InetSocketAddress) address;
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  @Override
  public String toString() {
    return "side channel to " + remoteAddress();
  }
}
