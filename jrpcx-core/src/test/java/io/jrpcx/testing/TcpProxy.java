package io.jrpcx.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay to {@code 127.0.0.1:<targetPort>}, whose {@link #kill()} makes the client
 * behind it vanish the way a crashed process does: the listener closes, every relayed connection
 * is reset (no FIN, no goodbye at any layer) and later connection attempts are refused. Registry
 * tests use it to "kill" a server's registry client without letting it unregister.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  public TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "tcp-proxy-" + listener.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  /** {@code 127.0.0.1:<port>} to connect to instead of the target. */
  public String address() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket in = listener.accept();
        Socket out = new Socket();
        sockets.add(in);
        sockets.add(out);
        out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        // the listener closed, or the target refused: the client sees its connection go
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // closed by kill() or by a peer
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Refuses new connections and resets every relayed one. Idempotent. */
  public void kill() {
    closeQuietly(listener);
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0); // close with RST
      } catch (IOException e) {
        // already closed
      }
      closeQuietly(s);
    }
  }

  /** {@link #kill()}. */
  @Override
  public void close() {
    kill();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // best effort
    }
  }
}
