package io.jrpcx.transport.kcp;

import io.jrpcx.internal.NettyTransport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.security.SecureRandom;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One KCP session as a Netty channel carrying the session's byte stream, so the rpcx pipeline
 * (limits, frames, calls) runs on it as on a TCP connection. Writes go into KCP within its send
 * window (what does not fit stays in the outbound buffer, so the usual water marks apply) and out
 * as datagrams; datagrams from the peer go through {@link DatagramLayers} into KCP and what KCP
 * delivers in order is read as bytes, only while reading is on (auto-read or a {@code read()}),
 * so a paused reader closes KCP's receive window and the peer waits.
 *
 * <p>A client session owns a connected UDP socket on the channel's event loop; a server session
 * shares the listener's socket, is made by {@link KcpListener} for a new peer address and gets
 * that peer's datagrams on its own event loop. KCP's timer (flush, retransmission) runs on the
 * event loop every interval.
 *
 * <p>A session ends when its channel is closed (the peer is not told: KCP has no FIN), when a
 * segment was sent {@value Kcp#DEADLINK} times without an ACK (the peer is gone), when its UDP
 * socket fails (a client's ICMP port unreachable) and, on a server, after {@link
 * KcpConfig#sessionIdleTimeout} without a valid datagram.
 */
final class KcpChannel extends AbstractChannel {
  private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
  private static final SecureRandom CONVS = new SecureRandom();
  private static final long BASE = System.nanoTime();

  /** Enough for any datagram kcp-go sends ({@code mtuLimit}) and then some. */
  private static final int MAX_DATAGRAM = 2048;

  private final DefaultChannelConfig config = new DefaultChannelConfig(this);
  private final KcpConfig kcpConfig;
  private final boolean server;
  private final Consumer<KcpChannel> onClose;
  private final EventLoop preferredLoop;
  private final Kcp kcp;
  private final DatagramLayers layers;
  private final byte[] scratch = new byte[MAX_DATAGRAM];
  private byte[] received = new byte[Kcp.MTU_DEF];

  private volatile Channel udp;
  private volatile InetSocketAddress remote;
  private volatile InetSocketAddress local;
  private volatile boolean open = true;
  private volatile boolean active;

  private boolean readRequested;
  private boolean delivering;
  private boolean udpPending;
  private ScheduledFuture<?> timer;
  private long lastHeard = System.nanoTime();

  /** A client session, connected by {@code connect()}; {@code kcpConfig} null fails that. */
  KcpChannel(KcpConfig kcpConfig) {
    super(null);
    this.kcpConfig = kcpConfig;
    this.server = false;
    this.onClose = c -> {};
    this.preferredLoop = null;
    int conv = CONVS.nextInt();
    this.kcp = new Kcp(conv, DatagramLayers.RESERVED, this::output);
    this.layers = kcpConfig == null ? null : new DatagramLayers(kcpConfig.key());
  }

  /** A server session for the peer at {@code remote}, sending through {@code udp}. */
  KcpChannel(
      KcpConfig kcpConfig,
      Channel udp,
      InetSocketAddress remote,
      int conv,
      EventLoop loop,
      Consumer<KcpChannel> onClose) {
    super(null);
    this.kcpConfig = kcpConfig;
    this.server = true;
    this.onClose = onClose;
    this.preferredLoop = loop;
    this.udp = udp;
    this.remote = remote;
    this.local = (InetSocketAddress) udp.localAddress();
    this.kcp = new Kcp(conv, DatagramLayers.RESERVED, this::output);
    this.layers = new DatagramLayers(kcpConfig.key());
    this.active = true;
  }

  /** The event loop a server session is registered on, chosen by the listener. */
  EventLoop preferredLoop() {
    return preferredLoop;
  }

  static Class<? extends DatagramChannel> datagramChannelClass() {
    return NettyTransport.isEpoll() ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  private static DatagramChannel newDatagramChannel() {
    return NettyTransport.isEpoll() ? new EpollDatagramChannel() : new NioDatagramChannel();
  }

  /** Datagram socket options of both sides: reads sized for kcp-go's largest datagram. */
  static void configureDatagrams(Channel ch) {
    ch.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(MAX_DATAGRAM));
    ch.config().setOption(ChannelOption.SO_RCVBUF, 1 << 20);
  }

  private static int now() {
    return (int) ((System.nanoTime() - BASE) / 1_000_000L);
  }

  // ---- Netty's channel contract ----

  @Override
  public ChannelConfig config() {
    return config;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isActive() {
    return open && active;
  }

  @Override
  public ChannelMetadata metadata() {
    return METADATA;
  }

  @Override
  protected AbstractUnsafe newUnsafe() {
    return new KcpUnsafe();
  }

  @Override
  protected boolean isCompatible(EventLoop loop) {
    // no selector registration: the UDP socket does the I/O
    return true;
  }

  @Override
  protected SocketAddress localAddress0() {
    return local;
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return remote;
  }

  @Override
  protected void doRegister(ChannelPromise promise) {
    promise.setSuccess();
    if (server) {
      eventLoop().execute(this::update);
    }
  }

  @Override
  protected void doBind(SocketAddress localAddress) {
    throw new UnsupportedOperationException("a KCP session is bound by its UDP socket");
  }

  @Override
  protected void doDisconnect() {
    doClose();
  }

  @Override
  protected void doClose() {
    if (!open) {
      return;
    }
    open = false;
    active = false;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (isRegistered() && udp != null && layers != null) {
      // what is due goes out once more, as kcp-go's Close flushes
      kcp.flush(false, now());
      flushUdp();
    }
    Channel u = udp;
    if (!server && u != null) {
      u.close();
    }
    onClose.accept(this);
  }

  @Override
  protected void doBeginRead() {
    readRequested = true;
    deliver();
  }

  @Override
  protected Object filterOutboundMessage(Object msg) {
    if (msg instanceof ByteBuf) {
      return msg;
    }
    throw new UnsupportedOperationException(
        "a KCP session carries bytes, not " + msg.getClass().getName());
  }

  @Override
  protected void doWrite(ChannelOutboundBuffer in) {
    boolean queued = false;
    for (; ; ) {
      Object msg = in.current();
      if (msg == null) {
        break;
      }
      ByteBuf buf = (ByteBuf) msg;
      if (!buf.isReadable()) {
        in.remove();
        continue;
      }
      if (!kcp.canSend()) {
        // the rest waits in the outbound buffer until ACKs open the window (resumeWrites)
        break;
      }
      int room = (Math.min(kcp.sndWnd, kcp.rmtWnd) - kcp.waitSnd()) * kcp.mss;
      int n = Math.min(Math.max(room, kcp.mss), buf.readableBytes());
      int done = 0;
      while (done < n) {
        int k = Math.min(n - done, scratch.length);
        buf.getBytes(buf.readerIndex() + done, scratch, 0, k);
        kcp.send(scratch, 0, k);
        done += k;
      }
      in.removeBytes(n);
      queued = true;
    }
    if (queued) {
      kcp.flush(false, now());
      KcpCounters.RETRANSMITS.addAndGet(takeRetransmits());
      flushUdp();
    }
  }

  // ---- the session ----

  /** KCP's output: through FEC and crypt to the UDP socket. */
  private void output(byte[] buf, int len) {
    layers.send(buf, len, this::sendDatagram);
  }

  private void sendDatagram(byte[] buf, int len) {
    Channel u = udp;
    ByteBuf out = u.alloc().directBuffer(len);
    out.writeBytes(buf, 0, len);
    u.write(server ? new DatagramPacket(out, remote) : out, u.voidPromise());
    udpPending = true;
  }

  private void flushUdp() {
    if (udpPending) {
      udpPending = false;
      udp.flush();
    }
  }

  private long takeRetransmits() {
    long r = kcp.retransmits;
    kcp.retransmits = 0;
    return r;
  }

  /** KCP's timer: flush what is due, end a dead or silent session, reschedule. */
  private void update() {
    if (!isActive()) {
      return;
    }
    int next = kcp.flush(false, now());
    KcpCounters.RETRANSMITS.addAndGet(takeRetransmits());
    flushUdp();
    if (kcp.isDead()) {
      close();
      return;
    }
    long idle = kcpConfig.sessionIdleTimeout().toNanos();
    if (server && idle > 0 && System.nanoTime() - lastHeard > idle) {
      close();
      return;
    }
    resumeWrites();
    timer = eventLoop().schedule(this::update, Math.max(1, next), TimeUnit.MILLISECONDS);
  }

  /**
   * A datagram from the peer, still encrypted, on this channel's event loop; released here.
   * Datagrams without the key's checksum are dropped and do not count as the peer's.
   */
  void datagramReceived(ByteBuf content) {
    try {
      int len = content.readableBytes();
      if (!isActive() || len > MAX_DATAGRAM) {
        return;
      }
      content.getBytes(content.readerIndex(), scratch, 0, len);
      if (!layers.receive(scratch, len, this::kcpInput)) {
        return;
      }
    } finally {
      content.release();
    }
    afterInput();
  }

  /** The first datagram of a server session, opened by the listener: from its FEC header. */
  void openedReceived(byte[] buf, int off, int len) {
    if (!isActive()) {
      return;
    }
    layers.receiveOpened(buf, off, len, this::kcpInput);
    afterInput();
  }

  private void kcpInput(byte[] buf, int off, int len, boolean regular) {
    if (kcp.input(buf, off, len, regular, true, now()) >= 0) {
      lastHeard = System.nanoTime();
      return;
    }
    KcpCounters.INPUT_ERRORS.incrementAndGet();
    if (server && regular && startsAnotherConversation(buf, off, len)) {
      // the peer's address starts a new conversation (a new client on a reused port): end this
      // session, as kcp-go's Listener does; the peer's retransmission of sn 0 opens the new one
      close();
    }
  }

  private boolean startsAnotherConversation(byte[] buf, int off, int len) {
    return len >= Segment.OVERHEAD
        && Segment.getInt(buf, off) != kcp.conv
        && (buf[off + 4] & 0xff) == Segment.CMD_PUSH
        && Segment.getInt(buf, off + Segment.SN_OFFSET) == 0;
  }

  private void afterInput() {
    flushUdp();
    deliver();
    resumeWrites();
    flushUdp();
  }

  /** Hands what KCP received in order to the pipeline, while reading is on. */
  private void deliver() {
    if (delivering) {
      return;
    }
    delivering = true;
    try {
      boolean any = false;
      while (isActive() && (readRequested || config.isAutoRead()) && kcp.peekSize() > 0) {
        ByteBuf batch = alloc().buffer(Math.max(kcp.peekSize(), 1024));
        int size;
        while ((size = kcp.peekSize()) > 0) {
          if (received.length < size) {
            received = new byte[size];
          }
          int n = kcp.recv(received);
          batch.writeBytes(received, 0, n);
        }
        if (!config.isAutoRead()) {
          readRequested = false;
        }
        any = true;
        pipeline().fireChannelRead(batch);
      }
      if (any) {
        pipeline().fireChannelReadComplete();
      }
    } finally {
      delivering = false;
    }
  }

  /** Writes that waited for the send window go on once ACKs opened it. */
  private void resumeWrites() {
    ChannelOutboundBuffer out = unsafe().outboundBuffer();
    if (isActive() && out != null && !out.isEmpty() && kcp.canSend()) {
      ((KcpUnsafe) unsafe()).resume();
    }
  }

  private final class KcpUnsafe extends AbstractUnsafe {
    void resume() {
      flush0();
    }

    @Override
    public void connect(
        SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
      if (!promise.setUncancellable() || !ensureOpen(promise)) {
        return;
      }
      if (udp != null) {
        promise.setFailure(new AlreadyConnectedException());
        return;
      }
      if (layers == null) {
        promise.setFailure(
            new IllegalStateException(
                "network 'kcp' needs a KcpConfig among the client's plugins: "
                    + "ClientOptions.builder().plugin(KcpConfig.aes(key))"));
        close(voidPromise());
        return;
      }
      InetSocketAddress peer = (InetSocketAddress) remoteAddress;
      DatagramChannel u = newDatagramChannel();
      configureDatagrams(u);
      u.pipeline().addLast(new ClientDatagrams());
      udp = u;
      eventLoop()
          .register(u)
          .addListener(
              (ChannelFutureListener)
                  registered -> {
                    if (!registered.isSuccess()) {
                      fail(promise, registered.cause());
                      return;
                    }
                    u.connect(peer, localAddress)
                        .addListener(
                            (ChannelFutureListener)
                                connected -> {
                                  if (!connected.isSuccess()) {
                                    fail(promise, connected.cause());
                                    return;
                                  }
                                  remote = peer;
                                  local = u.localAddress();
                                  active = true;
                                  u.closeFuture()
                                      .addListener(
                                          (ChannelFutureListener) f -> KcpChannel.this.close());
                                  if (promise.trySuccess()) {
                                    pipeline().fireChannelActive();
                                    update();
                                  } else {
                                    close(voidPromise());
                                  }
                                });
                  });
    }

    private void fail(ChannelPromise promise, Throwable cause) {
      promise.tryFailure(annotateConnectException(cause, remote));
      close(voidPromise());
    }
  }

  /** The client's UDP socket: the peer's datagrams into the session. */
  private final class ClientDatagrams extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf content;
      if (msg instanceof DatagramPacket) {
        content = ((DatagramPacket) msg).content();
      } else if (msg instanceof ByteBuf) {
        content = (ByteBuf) msg;
      } else {
        ReferenceCountUtil.release(msg);
        return;
      }
      datagramReceived(content);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // nobody listens at the peer's port (ICMP port unreachable) or the socket failed
      if (cause instanceof PortUnreachableException || !(cause instanceof Exception)) {
        close();
      }
    }
  }

  /** Hands a datagram to a server session on its event loop; false when it cannot take it. */
  boolean offer(ByteBuf content) {
    try {
      preferredLoop.execute(() -> datagramReceived(content));
      return true;
    } catch (RejectedExecutionException e) {
      content.release();
      return false;
    }
  }
}
