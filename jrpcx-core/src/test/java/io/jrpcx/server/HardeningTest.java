package io.jrpcx.server;

import static io.jrpcx.server.RawRpcxSocket.CODEC;
import static io.jrpcx.server.RawRpcxSocket.mul;
import static io.jrpcx.server.RawRpcxSocket.replyC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrpcx.Context;
import io.jrpcx.ServiceException;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import io.jrpcx.protocol.Message;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's defences against one peer holding on to what every peer needs: half-sent frames,
 * idle and surplus connections, garbage after good requests, errors on network threads and a
 * network thread that never comes back. Real TCP on loopback; after each attack a well-behaved
 * client is answered within 1 s.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HardeningTest {
  private final List<Server> servers = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    for (Server s : servers) {
      s.close();
    }
  }

  private Server start(Consumer<Server.Builder> configure, Object... services) {
    Server.Builder b = Server.builder();
    configure.accept(b);
    Server s = b.build();
    servers.add(s);
    s.register("Arith", new ArithService(), "");
    for (Object service : services) {
      s.register(service);
    }
    s.start("tcp", "127.0.0.1:0");
    return s;
  }

  private void assertWellBehavedClientAnswered(Server server) {
    Client client = new Client();
    closeables.add(client);
    client.connect("tcp", server.address());
    Reply r =
        client.call(
            Context.background().withTimeout(Duration.ofSeconds(1)),
            "Arith",
            "Mul",
            new Args(6, 7),
            Reply.class);
    assertThat(r.C).isEqualTo(42);
  }

  private RawRpcxSocket raw(Server server) {
    RawRpcxSocket s = RawRpcxSocket.connect(server.address());
    closeables.add(s);
    return s;
  }

  @Test
  void aReplyReadBeforeGarbageIsSentBeforeTheConnectionCloses() {
    Server server = start(b -> {});
    RawRpcxSocket s = raw(server);
    byte[] good = CODEC.encode(mul(7, 6, 7));
    byte[] garbage = "GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] both = Arrays.copyOf(good, good.length + garbage.length);
    System.arraycopy(garbage, 0, both, good.length, garbage.length);
    s.write(both); // one write, so usually one read on the server

    Message reply = s.readMessage();
    assertThat(reply.seq()).isEqualTo(7);
    assertThat(replyC(reply)).isEqualTo(42);
    assertThat(s.awaitClosedByServer().bytesBeforeClose()).isZero();
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void halfSentFramesAreClosedAfterTheFrameTimeout() {
    Server server = start(b -> b.frameTimeout(Duration.ofMillis(300)));
    byte[] frame = CODEC.encode(mul(1, 2, 3));
    List<RawRpcxSocket> slow = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      RawRpcxSocket s = raw(server);
      s.write(Arrays.copyOf(frame, i % 2 == 0 ? 10 : frame.length - 1)); // then nothing
      slow.add(s);
    }
    assertWellBehavedClientAnswered(server);
    for (RawRpcxSocket s : slow) {
      assertThat(s.awaitClosedByServer().bytesBeforeClose()).isZero();
    }
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void idleConnectionsAreClosedAfterTheIdleTimeoutWhenOneIsSet() {
    Server server = start(b -> b.idleTimeout(Duration.ofMillis(300)));
    List<RawRpcxSocket> idle = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      idle.add(raw(server));
    }
    for (RawRpcxSocket s : idle) {
      s.awaitClosedByServer();
    }
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void idleConnectionsStayOpenByDefaultAsGoClientsExpect() {
    Server server = start(b -> b.frameTimeout(Duration.ofMillis(200)));
    RawRpcxSocket s = raw(server);
    // Several frame timeouts pass with nothing sent: nothing was begun, so nothing is late.
    assertThat(s.bytesArrivingWithin(Duration.ofMillis(800))).isZero();
    Message reply = s.call(mul(3, 2, 5));
    assertThat(replyC(reply)).isEqualTo(10);
  }

  @Test
  void connectionsOverTheCapAreRefusedAndLaterOnesAcceptedAgain() throws Exception {
    Server server = start(b -> b.maxConnections(20));
    List<RawRpcxSocket> held = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      RawRpcxSocket s = raw(server);
      assertThat(replyC(s.call(mul(i, i, 2)))).isEqualTo(2 * i);
      held.add(s);
    }
    RawRpcxSocket refused = raw(server);
    assertThat(refused.awaitClosedByServer().bytesBeforeClose()).isZero();
    assertThat(server.refusedConnections()).isEqualTo(1);

    for (int i = 0; i < 5; i++) {
      held.get(i).close();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertWellBehavedClientAnswered(server));
  }

  @Test
  void thePerAddressCapRefusesOneAddressWithoutTouchingOthers() throws Exception {
    Server server = start(b -> b.maxConnectionsPerIp(10));
    int port = Integer.parseInt(server.address().substring(server.address().lastIndexOf(':') + 1));
    InetAddress attacker = InetAddress.getByName("127.0.0.2");
    List<Socket> sockets = new ArrayList<>();
    int closedByServer = 0;
    for (int i = 0; i < 30; i++) {
      Socket s = new Socket();
      closeables.add(s);
      s.bind(new InetSocketAddress(attacker, 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      sockets.add(s);
    }
    for (Socket s : sockets) {
      s.setSoTimeout(300);
      try {
        InputStream in = s.getInputStream();
        if (in.read() < 0) {
          closedByServer++;
        }
      } catch (java.net.SocketTimeoutException stillOpen) {
        // one of the ten allowed
      } catch (IOException reset) {
        closedByServer++;
      }
    }
    assertThat(closedByServer).isEqualTo(20);
    assertThat(server.refusedConnections()).isEqualTo(20);
    assertWellBehavedClientAnswered(server); // from 127.0.0.1
  }

  @Test
  void pushesToAPeerThatDoesNotReadFailInsteadOfQueueingAndItIsClosed() throws Exception {
    Server server =
        start(
            b ->
                b.writeBufferWaterMarks(64 << 10, 256 << 10)
                    .writeStallTimeout(Duration.ofMillis(500)));
    Socket silent = new Socket();
    closeables.add(silent);
    silent.setReceiveBufferSize(16 << 10);
    int port = Integer.parseInt(server.address().substring(server.address().lastIndexOf(':') + 1));
    silent.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.activeConnections().size() == 1);
    ClientConnection peer = server.activeConnections().get(0);
    byte[] data = new byte[64 << 10];
    Throwable refused = null;
    int sent = 0;
    // As a service pushing from its own thread would: without waiting for each push.
    for (; sent < 10_000 && refused == null; sent++) {
      java.util.concurrent.CompletableFuture<Void> f = peer.send("Push", "Data", null, data);
      if (f.isCompletedExceptionally()) {
        refused = f.handle((ok, e) -> e).join();
      }
    }
    assertThat(sent).as("pushes taken before the refusal").isLessThan(100);
    assertThat(refused)
        .as("a push once the peer stopped reading")
        .isInstanceOf(io.jrpcx.ConnectionException.class)
        .hasMessageContaining("has not read what is already queued");
    // The service goes on pushing; what is taken is bounded by the watermarks and the kernel's
    // buffers, and once those are full too, the stall timeout closes the connection.
    java.util.concurrent.atomic.AtomicInteger taken =
        new java.util.concurrent.atomic.AtomicInteger(sent);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              if (!peer.send("Push", "Data", null, data).isCompletedExceptionally()) {
                taken.incrementAndGet();
              }
              return server.activeConnections().isEmpty();
            });
    assertThat((long) taken.get() * data.length)
        .as("bytes of pushes taken in all")
        .isLessThan(64L << 20);
    assertThat(server.memoryInUse()).isZero();
    assertWellBehavedClientAnswered(server);
  }

  /** Services that fail the worst way on the network thread. */
  public static class Doomed {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @NonBlocking
    public String exhaust(String s) {
      throw new OutOfMemoryError("Java heap space");
    }

    @NonBlocking
    public String hang(String s) throws InterruptedException {
      entered.countDown();
      release.await(30, TimeUnit.SECONDS);
      return s;
    }
  }

  @Test
  void anErrorOnANetworkThreadClosesOnlyItsConnectionAndTheServerKeepsAccepting() {
    java.util.concurrent.atomic.AtomicInteger accepted =
        new java.util.concurrent.atomic.AtomicInteger();
    Server server =
        start(
            b ->
                b.ioThreads(1)
                    .plugin(
                        (ServerPlugin.PostConnAccept)
                            c -> {
                              if (accepted.incrementAndGet() <= 3) {
                                throw new OutOfMemoryError(
                                    "simulated: the heap ran out while accepting");
                              }
                              return true;
                            }));
    for (int i = 0; i < 3; i++) {
      raw(server).awaitClosedByServer();
    }
    assertThat(server.networkThreadErrors()).isEqualTo(3);
    // The one network thread and the listener both survived.
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void anOutOfMemoryErrorInAMethodIsAnsweredWithoutItsText() {
    Doomed doomed = new Doomed();
    Server server = start(b -> b.ioThreads(1), doomed);
    Client client = new Client();
    closeables.add(client);
    client.connect("tcp", server.address());
    ServiceException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ServiceException.class,
            () ->
                client.call(
                    Context.background().withTimeout(Duration.ofSeconds(2)),
                    "Doomed",
                    "Exhaust",
                    "x",
                    String.class));
    assertThat(e.getMessage()).contains("internal server error").doesNotContain("heap");
    assertWellBehavedClientAnswered(server);
  }

  @Test
  void shutdownReturnsWithinItsTimeoutWhenANetworkThreadNeverComesBack() throws Exception {
    Doomed doomed = new Doomed();
    Server server = start(b -> b.ioThreads(1), doomed);
    Client client = new Client();
    closeables.add(client);
    client.connect("tcp", server.address());
    Call<String> stuck = client.go(Context.background(), "Doomed", "Hang", "x", String.class);
    assertThat(doomed.entered.await(5, TimeUnit.SECONDS)).isTrue();
    try {
      long start = System.nanoTime();
      boolean drained = server.shutdown(Duration.ofSeconds(1));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(drained).isFalse();
      // Bounded by its timeout, plus the short grace the close steps get: not forever.
      assertThat(tookMillis).isLessThan(10_000);
      server.awaitTermination();
    } finally {
      doomed.release.countDown();
    }
    assertThat(stuck).isNotNull();
  }
}
