package io.jrpcx.internal;

import io.jrpcx.protocol.CompressType;
import io.jrpcx.protocol.Compressor;
import io.jrpcx.protocol.Compressors;
import io.jrpcx.protocol.Message;
import io.jrpcx.protocol.PayloadRefusedException;
import io.jrpcx.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Converts between rpcx frames and {@link Message}s.
 *
 * <pre>
 * offset size field
 * 0      1    magic 0x08
 * 1      1    version
 * 2      1    flags: 0x80 response, 0x40 heartbeat, 0x20 oneway, 0x1C compress, 0x03 status
 * 3      1    serialize type in the high nibble
 * 4      8    seq (big-endian, like every integer here)
 * 12     4    totalLen: bytes after this field
 * 16     4+n  service path, 4+n service method, 4+m metadata block, 4+p payload
 * </pre>
 *
 * <p>Decoding is strict where Go's decoder is lax (it recovers from out-of-range lengths into a
 * half-filled message): every length must lie inside the frame, the metadata block must parse
 * exactly, the frame length is checked against {@code maxMessageLength} before anything is
 * allocated and decompression stops at {@code maxDecompressedLength}. Any violation is a
 * {@link ProtocolException}.
 *
 * <p>Counts are bounded as well as sizes: the service path and method may hold at most
 * {@code maxNameLength} bytes each (Go's names are identifiers), the metadata block at most
 * {@code maxMetadataBytes} bytes and {@code maxMetadataPairs} pairs. {@link #checkPrefix} applies
 * the length limits to the first bytes of a frame, so a stream decoder refuses a frame whose path
 * claims 40 MiB before buffering it; the pair count is checked while pairs are read, so no more
 * than the limit is ever allocated.
 *
 * <p>Thread-safe and stateless apart from its configuration.
 */
public final class FrameCodec {
  /** Length of the fixed header, up to and including totalLen. */
  public static final int HEADER_LENGTH = 16;

  /** Default cap on a frame (header included) and on a decompressed payload: 64 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_LENGTH = 64 << 20;

  /** Default cap on the service path and on the service method, in UTF-8 bytes: 1 KiB. */
  public static final int DEFAULT_MAX_NAME_LENGTH = 1024;

  /** Default cap on the number of metadata pairs of one frame. */
  public static final int DEFAULT_MAX_METADATA_PAIRS = 1024;

  /** Default cap on the metadata block of one frame: 1 MiB. */
  public static final int DEFAULT_MAX_METADATA_BYTES = 1 << 20;

  private static final int RESPONSE_BIT = 0x80;
  private static final int HEARTBEAT_BIT = 0x40;
  private static final int ONEWAY_BIT = 0x20;
  private static final int COMPRESS_MASK = 0x1C;
  private static final int STATUS_MASK = 0x03;

  private final Compressors compressors;
  private final int maxMessageLength;
  private final int maxDecompressedLength;
  private final int maxNameLength;
  private final int maxMetadataPairs;
  private final int maxMetadataBytes;

  /**
   * A codec with the default name and metadata limits.
   *
   * @param maxMessageLength largest accepted frame in bytes, header included
   * @param maxDecompressedLength largest payload a compressed payload may inflate to
   */
  public FrameCodec(Compressors compressors, int maxMessageLength, int maxDecompressedLength) {
    this(
        compressors,
        maxMessageLength,
        maxDecompressedLength,
        DEFAULT_MAX_NAME_LENGTH,
        DEFAULT_MAX_METADATA_PAIRS,
        DEFAULT_MAX_METADATA_BYTES);
  }

  /**
   * @param maxMessageLength largest accepted frame in bytes, header included
   * @param maxDecompressedLength largest payload a compressed payload may inflate to
   * @param maxNameLength largest service path and service method, in UTF-8 bytes
   * @param maxMetadataPairs most metadata pairs in one frame
   * @param maxMetadataBytes largest metadata block, in bytes
   */
  public FrameCodec(
      Compressors compressors,
      int maxMessageLength,
      int maxDecompressedLength,
      int maxNameLength,
      int maxMetadataPairs,
      int maxMetadataBytes) {
    this.compressors = Objects.requireNonNull(compressors, "compressors");
    if (maxNameLength < 1 || maxMetadataPairs < 0 || maxMetadataBytes < 0) {
      throw new IllegalArgumentException(
          "name and metadata limits must be positive: "
              + maxNameLength
              + ", "
              + maxMetadataPairs
              + ", "
              + maxMetadataBytes);
    }
    this.maxNameLength = maxNameLength;
    this.maxMetadataPairs = maxMetadataPairs;
    this.maxMetadataBytes = maxMetadataBytes;
    if (maxMessageLength < HEADER_LENGTH + 16) {
      throw new IllegalArgumentException("maxMessageLength too small: " + maxMessageLength);
    }
    if (maxDecompressedLength < 0) {
      throw new IllegalArgumentException("maxDecompressedLength < 0: " + maxDecompressedLength);
    }
    this.maxMessageLength = maxMessageLength;
    this.maxDecompressedLength = maxDecompressedLength;
  }

  /** A codec with gzip and the 64 MiB default limits. */
  public static FrameCodec defaults() {
    return new FrameCodec(
        Compressors.defaults(), DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_MAX_MESSAGE_LENGTH);
  }

  public int maxMessageLength() {
    return maxMessageLength;
  }

  /** Largest service path or method accepted, in UTF-8 bytes. */
  public int maxNameLength() {
    return maxNameLength;
  }

  /** Most metadata pairs accepted in one frame. */
  public int maxMetadataPairs() {
    return maxMetadataPairs;
  }

  /** Largest metadata block accepted, in bytes. */
  public int maxMetadataBytes() {
    return maxMetadataBytes;
  }

  /**
   * Checks the length fields of the frame starting at {@code buf.readerIndex()} that have already
   * arrived (path, method, metadata block) against the limits, so that a frame announcing an
   * over-limit name or metadata block is refused before the rest of it is waited for. The header
   * must have been checked with {@link #frameLength(ByteBuf)}.
   */
  public void checkPrefix(ByteBuf buf) {
    int start = buf.readerIndex();
    long frameLen = HEADER_LENGTH + buf.getUnsignedInt(start + 12);
    // Only this frame's bytes: what follows it belongs to the next frame.
    long end = Math.min(buf.readableBytes(), frameLen);
    long at = HEADER_LENGTH;
    for (int field = 0; field < 3; field++) {
      if (end < at + 4) {
        return;
      }
      long len = buf.getUnsignedInt(start + (int) at);
      if (at + 4 + len > frameLen) {
        return; // points past the frame: decode says so once the frame is in
      }
      if (field < 2) {
        checkName(len, field == 0 ? "service path" : "service method");
      } else {
        checkMetadataBytes(len);
      }
      at += 4 + len;
    }
  }

  private void checkName(long len, String what) {
    if (len > maxNameLength) {
      throw new ProtocolException(
          what + " of " + len + " bytes exceeds the maximum name length of " + maxNameLength);
    }
  }

  private void checkMetadataBytes(long len) {
    if (len > maxMetadataBytes) {
      throw new ProtocolException(
          "metadata block of "
              + len
              + " bytes exceeds the maximum metadata size of "
              + maxMetadataBytes);
    }
  }

  /** Fails unless {@code firstByte} is the rpcx magic; callers check it as soon as it arrives. */
  public static void checkMagic(byte firstByte) {
    if (firstByte != Message.MAGIC) {
      throw new ProtocolException(
          String.format("wrong magic number 0x%02x, expected 0x08", firstByte & 0xFF));
    }
  }

  /**
   * Reads the 16-byte header at {@code header.position()} without consuming it and returns the
   * length of the whole frame, header included, after checking it against the maximum.
   */
  public int frameLength(ByteBuffer header) {
    int p = header.position();
    if (header.hasRemaining()) {
      checkMagic(header.get(p));
    }
    if (header.remaining() < HEADER_LENGTH) {
      throw new ProtocolException(
          "frame of " + header.remaining() + " bytes is shorter than a header");
    }
    return checkedFrameLength(Integer.toUnsignedLong(header.getInt(p + 12)));
  }

  /**
   * {@link #frameLength(ByteBuffer)} for the header at {@code buf.readerIndex()}, which must have
   * {@link #HEADER_LENGTH} readable bytes.
   */
  public int frameLength(ByteBuf buf) {
    int p = buf.readerIndex();
    checkMagic(buf.getByte(p));
    if (buf.readableBytes() < HEADER_LENGTH) {
      throw new ProtocolException(
          "frame of " + buf.readableBytes() + " bytes is shorter than a header");
    }
    return checkedFrameLength(buf.getUnsignedInt(p + 12));
  }

  private int checkedFrameLength(long totalLen) {
    long frameLen = HEADER_LENGTH + totalLen;
    if (frameLen > maxMessageLength) {
      throw new ProtocolException(
          "frame of "
              + frameLen
              + " bytes exceeds the maximum message length of "
              + maxMessageLength);
    }
    if (totalLen < 16) {
      throw new ProtocolException(
          "totalLen " + totalLen + " is shorter than the four length fields it must hold");
    }
    return (int) frameLen;
  }

  /**
   * Decodes one whole frame: {@code frame} holds exactly the frame, from the magic byte at its
   * position to its limit. The buffer's position is advanced to its limit.
   */
  public Message decode(ByteBuffer frame) {
    Message m = decode(Unpooled.wrappedBuffer(frame));
    frame.position(frame.limit());
    return m;
  }

  /** Decodes a frame held in an array. */
  public Message decode(byte[] frame) {
    if (frame.length < HEADER_LENGTH) {
      throw new ProtocolException("frame of " + frame.length + " bytes is shorter than a header");
    }
    return decode(Unpooled.wrappedBuffer(frame));
  }

  /**
   * Decodes one whole frame: {@code frame}'s readable bytes are exactly the frame. They are read
   * where they lie, whatever the buffer (pooled, direct, composite); only the strings and the
   * payload are copied out. The reader index is advanced past the frame.
   */
  public Message decode(ByteBuf frame) {
    return decode(frame, null);
  }

  /**
   * {@link #decode(ByteBuf)} with the memory an inflated payload needs asked of {@code memory}
   * before it is allocated, step by step as inflation proceeds: when it refuses, decoding stops
   * with a {@link PayloadRefusedException} that carries the frame's header fields, so the caller
   * can answer "overloaded" rather than run out of memory. A null {@code memory} grants all.
   */
  public Message decode(ByteBuf frame, java.util.function.IntPredicate memory) {
    if (frame.readableBytes() < HEADER_LENGTH) {
      throw new ProtocolException(
          "frame of " + frame.readableBytes() + " bytes is shorter than a header");
    }
    int frameLen = frameLength(frame);
    if (frame.readableBytes() != frameLen) {
      throw new ProtocolException(
          "frame header says " + frameLen + " bytes but " + frame.readableBytes() + " were given");
    }
    Message m = new Message();
    frame.skipBytes(1); // magic, checked above
    m.setVersion(frame.readByte());
    int flags = frame.readUnsignedByte();
    m.setResponse((flags & RESPONSE_BIT) != 0);
    m.setHeartbeat((flags & HEARTBEAT_BIT) != 0);
    m.setOneway((flags & ONEWAY_BIT) != 0);
    m.setStatusType(flags & STATUS_MASK);
    int compressType = (flags & COMPRESS_MASK) >>> 2;
    m.setCompressType(compressType);
    m.setSerializeType((frame.readUnsignedByte() & 0xF0) >>> 4);
    m.setSeq(frame.readLong());
    frame.skipBytes(4); // totalLen, checked by frameLength

    m.setServicePath(readName(frame, "service path"));
    m.setServiceMethod(readName(frame, "service method"));
    int metaLen = readLength(frame, "metadata block");
    checkMetadataBytes(metaLen);
    if (metaLen > 0) {
      readMetadata(frame.readSlice(metaLen), m, maxMetadataPairs);
    }
    int payloadLen = readLength(frame, "payload");
    byte[] payload = new byte[payloadLen];
    frame.readBytes(payload);
    // Go ignores the payload length and takes the rest of the frame; Go never writes trailing
    // bytes, so tolerating (skipping) them costs nothing and rejecting them gains nothing.
    frame.skipBytes(frame.readableBytes());

    if (compressType != CompressType.NONE) {
      Compressor c = compressors.get(compressType);
      if (c == null) {
        throw new ProtocolException("unsupported compress type " + compressType);
      }
      if (memory == null) {
        payload = c.decompress(payload, maxDecompressedLength);
      } else {
        try {
          payload = c.decompress(payload, maxDecompressedLength, memory);
        } catch (PayloadRefusedException e) {
          throw new PayloadRefusedException(m, e.getMessage());
        }
      }
    }
    m.setPayload(payload);
    return m;
  }

  /**
   * Encodes {@code m} into one frame, compressing the payload when its compress type says so.
   * Fails when the frame would exceed the maximum message length, which the peer would refuse.
   */
  public byte[] encode(Message m) {
    return encodeFrame(m, null).array();
  }

  /**
   * Encodes {@code m} into one frame in a buffer from {@code alloc}, typically a pooled direct
   * buffer handed straight to the socket: the frame is built once, where it is written from,
   * instead of in a {@code byte[]} that the transport copies again. The caller owns the buffer.
   */
  public ByteBuf encode(Message m, ByteBufAllocator alloc) {
    return encodeFrame(m, Objects.requireNonNull(alloc, "alloc"));
  }

  /** With a null {@code alloc}, the frame is a heap buffer whose array is exactly the frame. */
  private ByteBuf encodeFrame(Message m, ByteBufAllocator alloc) {
    String path = m.servicePath();
    String method = m.serviceMethod();
    int pathLen = ByteBufUtil.utf8Bytes(path);
    int methodLen = ByteBufUtil.utf8Bytes(method);
    Map<String, String> metadata = m.metadata();
    long metaLen = 0;
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      metaLen += 8L + ByteBufUtil.utf8Bytes(e.getKey()) + ByteBufUtil.utf8Bytes(e.getValue());
    }
    byte[] payload = m.payload();
    if (m.compressType() != CompressType.NONE) {
      Compressor c = compressors.get(m.compressType());
      if (c == null) {
        throw new ProtocolException("unsupported compress type " + m.compressType());
      }
      payload = c.compress(payload);
    }
    long totalLen = 16L + pathLen + methodLen + metaLen + payload.length;
    if (HEADER_LENGTH + totalLen > maxMessageLength) {
      throw new ProtocolException(
          "message of "
              + (HEADER_LENGTH + totalLen)
              + " bytes exceeds the maximum message length of "
              + maxMessageLength);
    }
    int frameLen = (int) (HEADER_LENGTH + totalLen);
    ByteBuf out =
        alloc == null
            ? Unpooled.wrappedBuffer(new byte[frameLen]).clear()
            : alloc.ioBuffer(frameLen, frameLen);
    try {
      out.writeByte(Message.MAGIC);
      out.writeByte(m.version());
      int flags =
          (m.isResponse() ? RESPONSE_BIT : 0)
              | (m.isHeartbeat() ? HEARTBEAT_BIT : 0)
              | (m.isOneway() ? ONEWAY_BIT : 0)
              | (m.compressType() << 2)
              | m.statusType();
      out.writeByte(flags);
      out.writeByte(m.serializeType() << 4);
      out.writeLong(m.seq());
      out.writeInt((int) totalLen);
      writeString(out, path, pathLen);
      writeString(out, method, methodLen);
      out.writeInt((int) metaLen);
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        // Lengths are scanned again rather than kept: writeUtf8 without a known length reserves
        // three bytes a char, which the exactly sized frame does not have.
        writeString(out, e.getKey(), ByteBufUtil.utf8Bytes(e.getKey()));
        writeString(out, e.getValue(), ByteBufUtil.utf8Bytes(e.getValue()));
      }
      out.writeInt(payload.length).writeBytes(payload);
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  private static void writeString(ByteBuf out, String s, int utf8Len) {
    out.writeInt(utf8Len);
    ByteBufUtil.reserveAndWriteUtf8(out, s, utf8Len);
  }

  private static int readLength(ByteBuf frame, String what) {
    if (frame.readableBytes() < 4) {
      throw new ProtocolException("frame ends before the length of the " + what);
    }
    long len = frame.readUnsignedInt();
    if (len > frame.readableBytes()) {
      throw new ProtocolException(
          "length of the "
              + what
              + " ("
              + len
              + ") points past the end of the frame ("
              + frame.readableBytes()
              + " bytes left)");
    }
    return (int) len;
  }

  private String readName(ByteBuf frame, String what) {
    int len = readLength(frame, what);
    checkName(len, what);
    return readUtf8(frame, len);
  }

  private static void readMetadata(ByteBuf block, Message m, int maxPairs) {
    int pairs = 0;
    while (block.isReadable()) {
      if (++pairs > maxPairs) {
        throw new ProtocolException(
            "metadata holds more than the maximum of " + maxPairs + " pairs");
      }
      String key = readMetaString(block, "key");
      String value = readMetaString(block, "value");
      m.putMetadata(key, value); // a repeated key: the last occurrence wins, as in Go
    }
  }

  private static String readMetaString(ByteBuf block, String what) {
    if (block.readableBytes() < 4) {
      throw new ProtocolException("metadata block ends inside the length of a " + what);
    }
    long len = block.readUnsignedInt();
    if (len > block.readableBytes()) {
      throw new ProtocolException(
          "metadata " + what + " of " + len + " bytes runs past the metadata block");
    }
    return readUtf8(block, (int) len);
  }

  private static String readUtf8(ByteBuf buf, int len) {
    if (len == 0) {
      return "";
    }
    String s = buf.toString(buf.readerIndex(), len, StandardCharsets.UTF_8);
    buf.skipBytes(len);
    return s;
  }
}
