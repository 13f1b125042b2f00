package io.jrpcx.internal;

import io.jrpcx.ConnectionException;
import io.jrpcx.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rpcx's {@code ws} and {@code wss} networks: an RFC 6455 upgrade on the rpc path, then the rpcx
 * byte stream inside WebSocket frames. As Go's {@code x/net/websocket} peers expect, the server
 * requires an {@code Origin} header (403 without), the client sends {@code Origin:
 * http[s]://host:port}, both write BINARY frames, and TEXT, BINARY and continuation frames are all
 * read as bytes (Go's client sends rpcx frames in TEXT frames: no UTF-8 check).
 *
 * <p>A frame boundary need not be a message boundary, so inbound payloads go to the same stream
 * frame decoder as on tcp, which holds them to the memory budget and the frame timeout. For that
 * reason the frame layer is this class's own rather than Netty's WebSocket codec: Netty's {@code
 * WebSocket08FrameDecoder} buffers a whole WebSocket frame (up to its payload limit) before
 * anything sees it, out of the budget's reach, whereas {@link FrameReader} passes each payload on
 * as its bytes arrive. Outbound, each frame buffer becomes one frame, masked on the client as RFC
 * 6455 requires; the server sends its payloads behind a header without copying them.
 */
final class WebSocketPipe {
  private static final Logger log = LoggerFactory.getLogger(WebSocketPipe.class);

  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebSocketPipe() {}

  static Future<Void> addClient(Channel ch, Network.ClientSide side) {
    Promise<Void> handshake = ch.eventLoop().newPromise();
    ch.pipeline().addLast("ws-handshake", new ClientHandshake(side, handshake));
    return handshake;
  }

  static void addServer(Channel ch, Network.ServerSide side) {
    ch.pipeline().addLast("ws-handshake", new ServerHandshake(side));
    ch.pipeline().addLast(HandshakeHold.NAME, new HandshakeHold());
  }

  /** {@code Sec-WebSocket-Accept} for {@code key}: base64(SHA-1(key + the RFC's GUID)). */
  static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder()
          .encodeToString(sha1.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1, which every JDK must have", e);
    }
  }

  /** The upgrade request, with Go's header order. */
  static String request(String rpcPath, String hostPort, boolean tls, String key) {
    return "GET "
        + rpcPath
        + " HTTP/1.1\r\n"
        + "Host: "
        + hostPort
        + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: "
        + key
        + "\r\n"
        + "Origin: "
        + (tls ? "https://" : "http://")
        + hostPort
        + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n";
  }

  /** The upgrade response, byte for byte what Go's x/net server writes. */
  static String response(String key) {
    return "HTTP/1.1 101 Switching Protocols\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: "
        + accept(key)
        + "\r\n\r\n";
  }

  /**
   * Puts the frame layer where the handshake handler {@code ctx} is, reader first: the encoder
   * after it sees the frames the connection writes, and the reader's own control frames (already
   * encoded) go straight out. Removing the handshake hands its leftover bytes to the reader.
   */
  private static void install(ChannelHandlerContext ctx, boolean client, int maxFrameLength) {
    ChannelPipeline p = ctx.pipeline();
    p.addAfter(ctx.name(), "ws-frames", new FrameReader(client, maxFrameLength));
    p.addAfter("ws-frames", "ws-out", new BinaryFrames(client));
    if (p.get(HandshakeHold.NAME) != null) {
      p.remove(HandshakeHold.NAME); // what the server wrote meanwhile goes out as frames now
    }
    p.remove(ctx.handler());
  }

  /**
   * One frame's header and payload, masked with a fresh key when {@code mask} (client to server).
   * An unmasked payload is passed on as it is, behind its header.
   */
  static ByteBuf encode(ByteBufAllocator alloc, int opcode, ByteBuf payload, boolean mask) {
    int n = payload.readableBytes();
    int lengthBytes = n < 126 ? 0 : n < 65536 ? 2 : 8;
    int headerLength = 2 + lengthBytes + (mask ? 4 : 0);
    ByteBuf frame = alloc.buffer(headerLength + (mask ? n : 0));
    frame.writeByte(0x80 | opcode);
    int maskBit = mask ? 0x80 : 0;
    if (lengthBytes == 0) {
      frame.writeByte(maskBit | n);
    } else if (lengthBytes == 2) {
      frame.writeByte(maskBit | 126).writeShort(n);
    } else {
      frame.writeByte(maskBit | 127).writeLong(n);
    }
    if (!mask) {
      return alloc.compositeBuffer(2).addComponents(true, frame, payload);
    }
    int key = ThreadLocalRandom.current().nextInt();
    frame.writeInt(key);
    int at = frame.writerIndex();
    frame.writeBytes(payload, payload.readerIndex(), n);
    payload.release();
    xor(frame, at, n, key);
    return frame;
  }

  /**
   * XORs {@code n} bytes of {@code buf} from {@code index} with the mask {@code rotated} (its top
   * byte applies to the first), on the buffer's memory directly: no per-byte buffer calls, which
   * leak detection would trace one by one.
   */
  private static void xor(ByteBuf buf, int index, int n, int rotated) {
    if (buf.nioBufferCount() == 1) {
      ByteBuffer b = buf.internalNioBuffer(index, n);
      int at = b.position();
      int i = 0;
      for (; i + 4 <= n; i += 4) {
        b.putInt(at + i, b.getInt(at + i) ^ rotated);
      }
      for (; i < n; i++) {
        b.put(at + i, (byte) (b.get(at + i) ^ (rotated >>> 24)));
        rotated = Integer.rotateLeft(rotated, 8);
      }
    } else {
      for (int i = 0; i < n; i++) {
        buf.setByte(index + i, buf.getByte(index + i) ^ (rotated >>> 24));
        rotated = Integer.rotateLeft(rotated, 8);
      }
    }
  }

  private static final class ClientHandshake extends HandshakeDecoder {
    private final Network.ClientSide side;
    private final Promise<Void> handshake;
    private final String key;

    ClientHandshake(Network.ClientSide side, Promise<Void> handshake) {
      super(side.handshakeTimeout());
      this.side = side;
      this.handshake = handshake;
      byte[] nonce = new byte[16];
      RANDOM.nextBytes(nonce);
      this.key = Base64.getEncoder().encodeToString(nonce);
    }

    @Override
    void onActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(
          Unpooled.copiedBuffer(
              request(side.rpcPath(), side.address(), side.tls(), key),
              StandardCharsets.ISO_8859_1));
    }

    @Override
    void onHead(ChannelHandlerContext ctx, List<String> lines) {
      String status = lines.isEmpty() ? "" : lines.get(0);
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].equals("101")) {
        fail(ctx, "the server refused the upgrade on " + side.rpcPath() + ": '" + status + "'");
        return;
      }
      if (!"websocket".equalsIgnoreCase(header(lines, "Upgrade"))
          || !listsToken(header(lines, "Connection"), "upgrade")) {
        fail(ctx, "the server's 101 answer lacks 'Upgrade: websocket' or 'Connection: Upgrade'");
        return;
      }
      if (!accept(key).equals(header(lines, "Sec-WebSocket-Accept"))) {
        fail(ctx, "the server's Sec-WebSocket-Accept does not match the key sent");
        return;
      }
      install(ctx, true, side.maxFrameLength());
      handshake.trySuccess(null);
    }

    @Override
    void tooLarge(ChannelHandlerContext ctx) {
      fail(ctx, "the upgrade answer is longer than " + MAX_HEAD_BYTES + " bytes");
    }

    @Override
    void timedOut(ChannelHandlerContext ctx, String why) {
      fail(ctx, why);
    }

    @Override
    void closedEarly(ChannelHandlerContext ctx) {
      handshake.tryFailure(
          new ConnectionException(
              "websocket: the server closed the connection before answering the upgrade"));
    }

    private void fail(ChannelHandlerContext ctx, String why) {
      handshake.tryFailure(new ConnectionException("websocket: " + why));
      ctx.close();
    }
  }

  private static final class ServerHandshake extends HandshakeDecoder {
    private final Network.ServerSide side;

    ServerHandshake(Network.ServerSide side) {
      super(side.handshakeTimeout());
      this.side = side;
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
      if (!(query < 0 ? path : path.substring(0, query)).equals(side.rpcPath())) {
        refused(ctx, "404 Not Found", "404 page not found\n", "path " + path);
        return;
      }
      if (!request[0].equals("GET")) {
        refused(ctx, "405 Method Not Allowed", "", "method " + request[0]);
        return;
      }
      String key = header(lines, "Sec-WebSocket-Key");
      if (!"websocket".equalsIgnoreCase(header(lines, "Upgrade"))
          || !listsToken(header(lines, "Connection"), "upgrade")
          || key == null
          || key.isEmpty()) {
        refused(ctx, "400 Bad Request", "", "not a websocket upgrade");
        return;
      }
      if (!"13".equals(header(lines, "Sec-WebSocket-Version"))) {
        refused(ctx, "400 Bad Request", "", "websocket version other than 13");
        return;
      }
      String origin = header(lines, "Origin");
      if (origin == null || origin.isEmpty()) {
        // Go's x/net handler refuses a missing origin ("null origin"), and rpcx relies on it.
        refused(ctx, "403 Forbidden", "", "no Origin header");
        return;
      }
      ctx.writeAndFlush(Unpooled.copiedBuffer(response(key), StandardCharsets.ISO_8859_1));
      install(ctx, false, side.maxFrameLength());
    }

    @Override
    void tooLarge(ChannelHandlerContext ctx) {
      refused(
          ctx,
          "431 Request Header Fields Too Large",
          "431 Request Header Fields Too Large",
          "an upgrade request over " + MAX_HEAD_BYTES + " bytes");
    }

    @Override
    void timedOut(ChannelHandlerContext ctx, String why) {
      log.debug("closing websocket connection {}: {}", ctx.channel().remoteAddress(), why);
      ctx.close();
    }

    private static void refused(ChannelHandlerContext ctx, String status, String body, String why) {
      log.debug("refusing websocket connection {}: {}", ctx.channel().remoteAddress(), why);
      refuse(ctx, status, body);
    }
  }

  /** Sends each outbound buffer as one BINARY WebSocket frame, masked on the client. */
  private static final class BinaryFrames extends ChannelOutboundHandlerAdapter {
    private final boolean client;

    BinaryFrames(boolean client) {
      this.client = client;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      // An empty buffer (written to flush before a close) carries nothing: no frame for it.
      ctx.write(
          msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()
              ? encode(ctx.alloc(), FrameReader.BINARY, (ByteBuf) msg, client)
              : msg,
          promise);
    }
  }

  /**
   * Reads WebSocket frames as they arrive and passes data payloads on unmasked, piece by piece,
   * without waiting for a frame to be complete. Control frames (at most 125 bytes) are read whole:
   * a ping is answered with a pong, a close with a close and the end of the connection. Any
   * violation of RFC 6455 (reserved bits, unknown opcodes, a fragment out of order, a mask where
   * there must be none or none where there must be one) or a frame longer than the limit ends the
   * connection with a {@link ProtocolException}, as a bad rpcx frame does.
   */
  static final class FrameReader extends ByteToMessageDecoder {
    private static final int CONTINUATION = 0;
    private static final int TEXT = 1;
    private static final int BINARY = 2;
    private static final int CLOSE = 8;
    private static final int PING = 9;
    private static final int PONG = 10;

    /** Whether this side is the client, which reads unmasked frames; the server masked ones. */
    private final boolean client;

    private final long maxFrameLength;

    private boolean failed;

    /** Payload bytes of the current data frame still to come; 0 between frames. */
    private long remaining;

    private int mask;
    private boolean masked;

    /** How many payload bytes of the current frame were unmasked (mod 4 picks the mask byte). */
    private long offset;

    /** A fragmented message began (a data frame without FIN) and awaits its continuations. */
    private boolean inMessage;

    FrameReader(boolean client, int maxFrameLength) {
      this.client = client;
      this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (failed) {
        in.skipBytes(in.readableBytes());
        return;
      }
      try {
        if (remaining > 0) {
          payload(ctx, in, out);
          return;
        }
        header(ctx, in, out);
      } catch (ProtocolException e) {
        failed = true;
        in.skipBytes(in.readableBytes());
        ctx.fireExceptionCaught(e);
      }
    }

    private void header(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (in.readableBytes() < 2) {
        return;
      }
      int at = in.readerIndex();
      int b0 = in.getUnsignedByte(at);
      int b1 = in.getUnsignedByte(at + 1);
      boolean fin = (b0 & 0x80) != 0;
      int opcode = b0 & 0x0f;
      if ((b0 & 0x70) != 0) {
        throw new ProtocolException(
            "websocket frame with reserved bits set (no extension was " + "negotiated)");
      }
      boolean hasMask = (b1 & 0x80) != 0;
      if (hasMask == client) {
        throw new ProtocolException(
            client
                ? "websocket: the server sent a masked frame"
                : "websocket: the client sent an unmasked frame");
      }
      int len7 = b1 & 0x7f;
      int lengthBytes = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
      int headerLength = 2 + lengthBytes + (hasMask ? 4 : 0);
      if (in.readableBytes() < headerLength) {
        return;
      }
      long length =
          len7 == 126 ? in.getUnsignedShort(at + 2) : len7 == 127 ? in.getLong(at + 2) : len7;
      boolean control = opcode >= CLOSE;
      if (control) {
        if (opcode > PONG) {
          throw new ProtocolException("websocket frame with unknown opcode " + opcode);
        }
        if (!fin || length > 125) {
          throw new ProtocolException("websocket control frame fragmented or over 125 bytes");
        }
        if (in.readableBytes() < headerLength + length) {
          return;
        }
      } else {
        if (opcode > BINARY) {
          throw new ProtocolException("websocket frame with unknown opcode " + opcode);
        }
        if (opcode == CONTINUATION && !inMessage) {
          throw new ProtocolException("websocket continuation frame without a message to continue");
        }
        if (opcode != CONTINUATION && inMessage) {
          throw new ProtocolException("websocket data frame inside an unfinished message");
        }
        if (length < 0 || length > maxFrameLength) {
          throw new ProtocolException(
              "websocket frame of "
                  + Long.toUnsignedString(length)
                  + " bytes exceeds the limit of "
                  + maxFrameLength
                  + " bytes");
        }
        inMessage = !fin;
      }
      mask = hasMask ? in.getInt(at + 2 + lengthBytes) : 0;
      masked = hasMask;
      offset = 0;
      in.skipBytes(headerLength);
      if (control) {
        ByteBuf body = unmask(ctx, in, (int) length);
        try {
          control(ctx, opcode, body);
        } finally {
          body.release();
        }
        return;
      }
      remaining = length;
      payload(ctx, in, out);
    }

    private void payload(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      int n = (int) Math.min(remaining, in.readableBytes());
      if (n == 0) {
        return;
      }
      out.add(unmask(ctx, in, n));
      remaining -= n;
    }

    /** The next {@code n} payload bytes of {@code in}, unmasked. */
    private ByteBuf unmask(ChannelHandlerContext ctx, ByteBuf in, int n) {
      if (!masked) {
        return in.readRetainedSlice(n);
      }
      ByteBuf plain = ctx.alloc().buffer(n);
      in.readBytes(plain, n);
      // The mask turned to where this piece starts in the frame.
      xor(plain, plain.readerIndex(), n, Integer.rotateLeft(mask, 8 * (int) (offset & 3)));
      offset += n;
      return plain;
    }

    private void control(ChannelHandlerContext ctx, int opcode, ByteBuf body) {
      switch (opcode) {
        case PING:
          ctx.writeAndFlush(encode(ctx.alloc(), PONG, body.retain(), client));
          break;
        case CLOSE:
          // Echo the status code (if any), as RFC 6455 and Go do, then end the connection.
          ByteBuf code =
              body.readableBytes() >= 2
                  ? body.retainedSlice(body.readerIndex(), 2)
                  : Unpooled.EMPTY_BUFFER;
          failed = true;
          ctx.writeAndFlush(encode(ctx.alloc(), CLOSE, code, client))
              .addListener(ChannelFutureListener.CLOSE);
          break;
        default:
          // A pong: nothing to do.
      }
    }
  }
}
