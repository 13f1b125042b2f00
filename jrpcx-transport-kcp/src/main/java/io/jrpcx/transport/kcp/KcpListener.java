package io.jrpcx.transport.kcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's UDP socket: hands each datagram to the session of its sender's address (kcp-go's
 * {@code Listener.packetInput} keys sessions the same way), and makes a session for an unknown
 * address only from a datagram that opens with the key, passes the checksum and carries a data
 * shard whose first segment is a {@code PUSH} with {@code sn} 0, the start of a conversation.
 * kcp-go accepts any valid data shard there; starting only at {@code sn} 0 means a peer whose
 * session this server dropped (idle, restart) gets silence, and its KCP gives up, instead of a
 * new session that would wait forever for the bytes before its {@code sn}.
 *
 * <p>A new session is fired down this pipeline as a channel, like a server socket's accepted
 * child, through the server's accept guard (connection limits) to {@link KcpAcceptor}, which
 * registers it on a connection event loop. Known peers' datagrams are forwarded still encrypted:
 * each session decrypts on its own event loop. The session map is confined to this socket's
 * event loop.
 */
final class KcpListener extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(KcpListener.class);

  /** crypt header, FEC header and size, then one KCP header: the least a first datagram holds. */
  private static final int MIN_FIRST = DatagramLayers.RESERVED + Segment.OVERHEAD;

  private final KcpConfig config;
  private final EventLoopGroup sessionLoops;
  private final DatagramLayers opener;
  private final byte[] scratch = new byte[2048];
  private final Map<InetSocketAddress, KcpChannel> sessions = new HashMap<>();
  private Channel udp;

  KcpListener(KcpConfig config, EventLoopGroup sessionLoops) {
    this.config = config;
    this.sessionLoops = sessionLoops;
    this.opener = new DatagramLayers(config.key());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    udp = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof DatagramPacket)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    DatagramPacket packet = (DatagramPacket) msg;
    InetSocketAddress sender = packet.sender();
    KcpChannel session = sessions.get(sender);
    if (session != null) {
      session.offer(packet.content());
      return;
    }
    try {
      accept(ctx, sender, packet.content());
    } finally {
      packet.release();
    }
  }

  private void accept(ChannelHandlerContext ctx, InetSocketAddress sender, ByteBuf content) {
    int len = content.readableBytes();
    if (len < MIN_FIRST || len > scratch.length) {
      KcpCounters.INPUT_ERRORS.incrementAndGet();
      return;
    }
    content.getBytes(content.readerIndex(), scratch, 0, len);
    if (!opener.open(scratch, len)) {
      return;
    }
    int fec = DatagramCrypt.HEADER;
    int seg = DatagramLayers.RESERVED;
    if (Segment.getShort(scratch, fec + 4) != FecEncoder.TYPE_DATA
        || (scratch[seg + 4] & 0xff) != Segment.CMD_PUSH
        || Segment.getInt(scratch, seg + Segment.SN_OFFSET) != 0) {
      return;
    }
    int conv = Segment.getInt(scratch, seg);
    KcpChannel child =
        new KcpChannel(config, udp, sender, conv, sessionLoops.next().next(), this::closed);
    sessions.put(sender, child);
    ctx.fireChannelRead(child);
    if (!child.isOpen()) {
      // refused by the connection limits
      sessions.remove(sender, child);
      return;
    }
    byte[] opened = java.util.Arrays.copyOfRange(scratch, fec, len);
    child.preferredLoop().execute(() -> child.openedReceived(opened, 0, opened.length));
  }

  /** A session closed, on any thread: its address is free for a new conversation. */
  private void closed(KcpChannel session) {
    Channel u = udp;
    if (u.eventLoop().inEventLoop()) {
      sessions.remove((InetSocketAddress) session.remoteAddress(), session);
    } else {
      u.eventLoop().execute(() -> closed(session));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    for (KcpChannel s : new ArrayList<>(sessions.values())) {
      s.close();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // one peer's ICMP error or a failed send must not close the socket every session shares
    log.debug("kcp listener {}: {}", ctx.channel().localAddress(), cause.toString());
  }
}
