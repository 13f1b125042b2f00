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
 * {@code reorder}; optionally it damages datagrams too.
 */
final class LossyUdpProxy implements AutoCloseable {
  private final DatagramChannel front;
  private final DatagramChannel back;
  private final Thread up;
  private final Thread down;
  private final double loss;
  private final double duplicate;
  private final double reorder;
  private final double corrupt;
  private volatile SocketAddress client;
  final AtomicLong corrupted = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong duplicated = new AtomicLong();
  final AtomicLong reordered = new AtomicLong();

  LossyUdpProxy(InetSocketAddress server, long seed, double loss, double duplicate, double reorder)
      throws IOException {
    this(server, seed, loss, duplicate, reorder, 0);
  }

  /**
   * As above, and each datagram that is sent is first damaged with probability {@code corrupt}:
   * one byte flipped, or (every other time) its last bytes cut off.
   */
  LossyUdpProxy(
      InetSocketAddress server,
      long seed,
      double loss,
      double duplicate,
      double reorder,
      double corrupt)
      throws IOException {
    this.corrupt = corrupt;
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
        if (corrupt > 0 && random.nextDouble() < corrupt && buf.remaining() > 8) {
          if (corrupted.incrementAndGet() % 2 == 0) {
            buf.limit(buf.limit() - 1 - random.nextInt(8));
          } else {
            int at = random.nextInt(buf.remaining());
            buf.put(at, (byte) (buf.get(at) ^ (1 + random.nextInt(255))));
          }
        }
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
