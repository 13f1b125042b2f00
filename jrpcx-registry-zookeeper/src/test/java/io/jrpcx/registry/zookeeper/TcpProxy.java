package io.jrpcx.registry.zookeeper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay to a port, whose {@link #kill()} makes the client behind it vanish the way
 * a crashed process does: the connections are reset and nothing more gets through, so ZooKeeper
 * hears no "close session" and ends the session only when its timeout passes.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "tcp-proxy-" + listener.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  String address() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket in = listener.accept();
        Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(in);
        sockets.add(out);
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        return; // killed, or the target is gone
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
          out.write(buf, 0, n);
        }
      } catch (IOException ignored) {
        // one side closed; closing both below
      }
      closeQuietly(from);
      closeQuietly(to);
    }, "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** Refuses new connections and resets the open ones. */
  void kill() {
    closeQuietly(listener);
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0); // reset: no goodbye at any layer
      } catch (IOException ignored) {
        // already closed
      }
      closeQuietly(s);
    }
  }

  @Override
  public void close() {
    kill();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // best effort
    }
  }
}
