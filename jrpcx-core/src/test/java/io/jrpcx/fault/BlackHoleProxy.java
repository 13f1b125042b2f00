package io.jrpcx.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay that can turn into a black hole: after {@link #blackHole()} it reads and
 * drops every byte in both directions and keeps every socket open, as when the network between
 * two hosts silently fails or the far host vanishes without a FIN or RST. Neither end sees an
 * error; only a timeout or a heartbeat can tell. Connections accepted while black-holed are
 * black holes too (the TCP handshake succeeds, nothing gets through); {@link #heal()} makes new
 * connections work again, while those that lost bytes stay dead.
 */
final class BlackHoleProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final List<Relay> relays = new CopyOnWriteArrayList<>();
  private volatile boolean blackHoled;

  /** A relay to {@code target} ({@code host:port}). */
  BlackHoleProxy(String target) throws IOException {
    int colon = target.lastIndexOf(':');
    this.targetHost = target.substring(0, colon);
    this.targetPort = Integer.parseInt(target.substring(colon + 1));
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "black-hole-proxy-" + listener.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  /** {@code tcp@127.0.0.1:port}. */
  String key() {
    return "tcp@127.0.0.1:" + listener.getLocalPort();
  }

  /** From now on nothing gets through, on open connections and new ones alike. */
  void blackHole() {
    blackHoled = true;
    for (Relay r : relays) {
      r.dead = true;
    }
  }

  /** New connections are relayed again. */
  void heal() {
    blackHoled = false;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Relay relay = new Relay(client);
        relays.add(relay);
        if (blackHoled) {
          relay.dead = true;
        } else {
          relay.upstream = new Socket(targetHost, targetPort);
          pump(relay, relay.upstream, client);
        }
        pump(relay, client, relay.upstream);
      } catch (IOException e) {
        if (listener.isClosed()) {
          return;
        }
      }
    }
  }

  /** Copies {@code from} to {@code to} until the relay dies; after that, drops what arrives. */
  private static void pump(Relay relay, Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream()) {
                OutputStream out = to == null ? null : to.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                  if (!relay.dead && out != null) {
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                }
              } catch (IOException e) {
                // closed
              }
              if (!relay.dead) {
                relay.close(); // an ordinary close on one side: pass it on
              }
            },
            "black-hole-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Relay r : relays) {
      r.close();
    }
  }

  private static final class Relay {
    final Socket client;
    volatile Socket upstream;
    volatile boolean dead;

    Relay(Socket client) {
      this.client = client;
    }

    void close() {
      try {
        client.close();
        if (upstream != null) {
          upstream.close();
        }
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
