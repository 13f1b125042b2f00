package io.jrpcx.transport.kcp;

import io.jrpcx.internal.Network;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.bootstrap.ServerBootstrapConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import java.net.SocketAddress;

/**
 * The {@code kcp} network, found by core through {@code META-INF/services}: KCP sessions over UDP,
 * wire-compatible with Go rpcx's {@code kcp} (xtaci/kcp-go v5 with {@code (block, 10, 3)}). Its
 * key comes from a {@link KcpConfig} among the server's or client's plugins. Not API: users name
 * the network, {@code "kcp"}.
 *
 * <p>A server binds one UDP socket on its accept event loop; {@link KcpListener} makes a {@link
 * KcpChannel} per peer and passes it through the server's accept guard to the usual connection
 * pipeline on a connection event loop. A client's {@link KcpChannel} opens its own connected UDP
 * socket; there is no handshake, so {@code connect} succeeds without hearing from the server, and
 * an absent server shows as a failed first call.
 */
public final class KcpNetwork extends Network {
  public KcpNetwork() {
    super("kcp");
  }

  @Override
  public ChannelFuture connect(Bootstrap b, SocketAddress remote, ClientSide side) {
    KcpConfig config = side.plugin(KcpConfig.class).orElse(null);
    // without a key the channel's connect fails with what to add, through the usual dial error
    return b.channelFactory(() -> new KcpChannel(config)).connect(remote);
  }

  @Override
  public ChannelFuture bind(ServerBootstrap b, SocketAddress local, ServerSide side) {
    KcpConfig config =
        side.plugin(KcpConfig.class)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "network 'kcp' needs a KcpConfig among the server's plugins: "
                            + "Server.builder().plugin(KcpConfig.aes(key))"));
    ServerBootstrapConfig c = b.config();
    ChannelHandler acceptGuard = c.handler();
    KcpAcceptor acceptor = new KcpAcceptor(c.childHandler(), c.childOptions());
    return new Bootstrap()
        .group(c.group())
        .channel(KcpChannel.datagramChannelClass())
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                KcpChannel.configureDatagrams(ch);
                ch.pipeline().addLast("kcp", new KcpListener(config, c.childGroup()));
                if (acceptGuard != null) {
                  ch.pipeline().addLast("accept-guard", acceptGuard);
                }
                ch.pipeline().addLast("acceptor", acceptor);
              }
            })
        .bind(local);
  }
}
