package io.jrpcx.transport.kcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay between one client and a server that loses, duplicates and reorders datagrams with a
 * seeded random: each datagram is dropped with probability {@code loss}, else sent twice with
 * probability {@code duplicate}, else held back and sent after the next one with probability
 * {@code reorder}.
 */
final class LossyUdpProxy implements AutoCloseable {
  private final DatagramChannel front;
  private final DatagramChannel back;
  private final Thread up;
  private final Thread down;
  private final double loss;
  private final double duplicate;
  private final double reorder;
  private volatile SocketAddress client;
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong duplicated = new AtomicLong();
  final AtomicLong reordered = new AtomicLong();

  LossyUdpProxy(InetSocketAddress server, long seed, double loss, double duplicate, double reorder)
      throws IOException {
    this.loss = loss;
    this.duplicate = duplicate;
    this.reorder = reorder;
    front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    back = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)).connect(server);
    up = new Thread(() -> relay(front, back, new Random(seed), true), "lossy-proxy-up");
    down = new Thread(() -> relay(back, front, new Random(seed + 1), false), "lossy-proxy-down");
    up.setDaemon(true);
    down.setDaemon(true);
    up.start();
    down.start();
  }

  String address() {
    InetSocketAddress a = (InetSocketAddress) front.socket().getLocalSocketAddress();
    return "127.0.0.1:" + a.getPort();
  }

  private void relay(DatagramChannel from, DatagramChannel to, Random random, boolean upstream) {
    ByteBuffer buf = ByteBuffer.allocate(4096);
    ByteBuffer held = null;
    try {
      while (true) {
        buf.clear();
        SocketAddress sender = from.receive(buf);
        if (upstream) {
          client = sender;
        }
        buf.flip();
        double r = random.nextDouble();
        if (r < loss) {
          dropped.incrementAndGet();
          continue;
        }
        SocketAddress target = upstream ? null : client;
        if (r < loss + reorder && held == null) {
          held = ByteBuffer.allocate(buf.remaining()).put(buf).flip();
          reordered.incrementAndGet();
          continue;
        }
        send(to, buf.duplicate(), target);
        if (r > 1 - duplicate) {
          duplicated.incrementAndGet();
          send(to, buf.duplicate(), target);
        }
        if (held != null) {
          send(to, held, target);
          held = null;
        }
      }
    } catch (IOException e) {
      // closed
    }
  }

  private static void send(DatagramChannel to, ByteBuffer b, SocketAddress target)
      throws IOException {
    if (target == null) {
      to.write(b);
    } else {
      to.send(b, target);
    }
  }

  @Override
  public void close() throws Exception {
    front.close();
    back.close();
    up.join(5000);
    down.join(5000);
  }
}
