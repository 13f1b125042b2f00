package io.jrpcx.internal;

import io.jrpcx.ConnectionException;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rpcx's {@code http} network: the client sends {@code CONNECT <rpcPath> HTTP/1.0} and two bare
 * LFs, the server answers {@code HTTP/1.0 200 Connected to rpcx} and two LFs, and from then on the
 * connection carries raw frames, as on tcp. Byte for byte what Go rpcx writes (spec 1.17).
 *
 * <p>The client sends no frame before the answer arrived: Go's server drops whatever comes in
 * the same read as the CONNECT. This server keeps such bytes and decodes them as frames.
 */
final class HttpConnectHandshake {
  private static final Logger log = LoggerFactory.getLogger(HttpConnectHandshake.class);

  /** The one status line a client accepts, and what the server answers a good CONNECT with. */
  static final String CONNECTED = "HTTP/1.0 200 Connected to rpcx";

  private HttpConnectHandshake() {}

  static Future<Void> addClient(Channel ch, Network.ClientSide side) {
    Promise<Void> handshake = ch.eventLoop().newPromise();
    ch.pipeline().addLast("http-connect", new Client(side, handshake));
    return handshake;
  }

  static void addServer(Channel ch, Network.ServerSide side) {
    ch.pipeline().addLast("http-connect", new Server(side.rpcPath(), side.handshakeTimeout()));
    ch.pipeline().addLast(HandshakeHold.NAME, new HandshakeHold());
  }

  /** The CONNECT request, exactly as Go's client writes it. */
  static byte[] request(String rpcPath) {
    return ("CONNECT " + rpcPath + " HTTP/1.0\n\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  private static final class Client extends HandshakeDecoder {
    private final Network.ClientSide side;
    private final Promise<Void> handshake;

    Client(Network.ClientSide side, Promise<Void> handshake) {
      super(side.handshakeTimeout());
      this.side = side;
      this.handshake = handshake;
    }

    @Override
    void onActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(request(side.rpcPath())));
    }

    @Override
    void onHead(ChannelHandlerContext ctx, List<String> lines) {
      String status = lines.isEmpty() ? "" : lines.get(0);
      if (!status.equals(CONNECTED)) {
        fail(
            ctx,
            "the server answered the CONNECT to "
                + side.rpcPath()
                + " with '"
                + status
                + "', not '"
                + CONNECTED
                + "' (is it an rpcx server on the http network?)");
        return;
      }
      ctx.pipeline().remove(this);
      handshake.trySuccess(null);
    }

    @Override
    void tooLarge(ChannelHandlerContext ctx) {
      fail(ctx, "the answer to the CONNECT is longer than " + MAX_HEAD_BYTES + " bytes");
    }

    @Override
    void timedOut(ChannelHandlerContext ctx, String why) {
      fail(ctx, why);
    }

    @Override
    void closedEarly(ChannelHandlerContext ctx) {
      handshake.tryFailure(
          new ConnectionException(
              "http CONNECT: the server closed the connection before answering"));
    }

    private void fail(ChannelHandlerContext ctx, String why) {
      handshake.tryFailure(new ConnectionException("http CONNECT: " + why));
      ctx.close();
    }
  }

  private static final class Server extends HandshakeDecoder {
    private final String rpcPath;

    Server(String rpcPath, Duration timeout) {
      super(timeout);
      this.rpcPath = rpcPath;
    }

    @Override
    void onHead(ChannelHandlerContext ctx, List<String> lines) {
      String[] request = lines.isEmpty() ? new String[0] : lines.get(0).split(" ");
      if (request.length != 3 || !request[2].startsWith("HTTP/1.")) {
        refused(ctx, "400 Bad Request", "400 Bad Request", "a malformed request line");
        return;
      }
      String path = request[1];
      int query = path.indexOf('?');
      if (!(query < 0 ? path : path.substring(0, query)).equals(rpcPath)) {
        // Go's ServeMux: nothing else is mounted.
        refused(ctx, "404 Not Found", "404 page not found\n", "path " + path);
        return;
      }
      if (!request[0].equals("CONNECT")) {
        refused(ctx, "405 Method Not Allowed", "405 must CONNECT\n", "method " + request[0]);
        return;
      }
      ctx.writeAndFlush(Unpooled.copiedBuffer(CONNECTED + "\n\n", StandardCharsets.ISO_8859_1));
      ctx.pipeline().remove(HandshakeHold.NAME);
      ctx.pipeline().remove(this);
    }

    @Override
    void tooLarge(ChannelHandlerContext ctx) {
      refused(
          ctx,
          "431 Request Header Fields Too Large",
          "431 Request Header Fields Too Large",
          "a request head over " + MAX_HEAD_BYTES + " bytes");
    }

    @Override
    void timedOut(ChannelHandlerContext ctx, String why) {
      log.debug("closing http connection {}: {}", ctx.channel().remoteAddress(), why);
      ctx.close();
    }

    private static void refused(ChannelHandlerContext ctx, String status, String body, String why) {
      log.debug("refusing http connection {}: {}", ctx.channel().remoteAddress(), why);
      refuse(ctx, status, body);
    }
  }
}
