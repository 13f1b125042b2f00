package io.jrpcx.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrpcx.codec.Codec;
import io.jrpcx.codec.JsonCodec;
import io.jrpcx.codec.MsgPackCodec;
import io.jrpcx.server.Server;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The side-channel calls and bytes are Go rpcx v1.9.1's, checked against frames recorded between
 * the real Go client and server (test resources {@code vectors2/}, copied from
 * {@code shared/interop/vectors2}).
 */
@Timeout(30)
class FileTransferWireTest {
  private static final Codec JSON = new JsonCodec();
  private static final Codec MSGPACK = new MsgPackCodec();

  @TempDir Path dir;
  private Server server;
  private SideChannel files;
  private SideChannel streams;

  @BeforeEach
  void start() throws IOException {
    Files.writeString(dir.resolve("download.txt"), "hello rpcx file transfer\n");
    server = Server.builder().build();
    files = server.enableFileTransfer(FileTransfer.builder().directory(dir).build());
    streams =
        server.enableStreamService(
            StreamService.builder()
                .handler(
                    (stream, meta) -> {
                      byte[] in = stream.input().readAllBytes();
                      stream
                          .output()
                          .write(
                              new String(in, StandardCharsets.US_ASCII)
                                  .toUpperCase(java.util.Locale.ROOT)
                                  .getBytes(StandardCharsets.US_ASCII));
                    })
                .build());
    server.start("tcp", "127.0.0.1:0");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void goJsonArgumentsDecodeAndEncodeToTheSameBytes() {
    byte[] upload = payload("filetransfer_json_transferfile_request");
    FileTransferArgs args = (FileTransferArgs) JSON.decode(upload, FileTransferArgs.class);
    assertThat(args).isEqualTo(new FileTransferArgs("upload.txt", 25, Map.of("owner", "jrpcx")));
    assertThat(JSON.encode(args)).isEqualTo(upload);

    byte[] download = payload("filetransfer_json_downloadfile_request");
    DownloadFileArgs dargs = (DownloadFileArgs) JSON.decode(download, DownloadFileArgs.class);
    assertThat(dargs).isEqualTo(new DownloadFileArgs("download.txt", null));
    assertThat(JSON.encode(dargs)).isEqualTo(download);

    byte[] stream = payload("streamservice_json_stream_request");
    StreamServiceArgs sargs = (StreamServiceArgs) JSON.decode(stream, StreamServiceArgs.class);
    assertThat(sargs).isEqualTo(new StreamServiceArgs(Map.of("foo", "bar")));
    assertThat(JSON.encode(sargs)).isEqualTo(stream);
  }

  @Test
  void goMsgPackArgumentsDecodeAndEncodeWithGoFieldNames() {
    byte[] upload = payload("filetransfer_msgpack_transferfile_request");
    FileTransferArgs args = (FileTransferArgs) MSGPACK.decode(upload, FileTransferArgs.class);
    assertThat(args).isEqualTo(new FileTransferArgs("upload.txt", 25, Map.of("owner", "jrpcx")));
    // Go writes its int64 FileSize as 0xd3 + 8 bytes; Jackson writes the smallest int, which
    // Go's decoder reads into an int64 alike. Everything else is byte for byte.
    byte[] goWidth = HexFormat.of().parseHex("d30000000000000019");
    byte[] ours = MSGPACK.encode(args);
    int at = indexOf(upload, goWidth);
    byte[] normalised =
        concat(
            Arrays.copyOfRange(upload, 0, at),
            new byte[] {0x19},
            Arrays.copyOfRange(upload, at + goWidth.length, upload.length));
    assertThat(ours).isEqualTo(normalised);
    assertThat(MSGPACK.decode(ours, FileTransferArgs.class)).isEqualTo(args);

    byte[] download = payload("filetransfer_msgpack_downloadfile_request");
    DownloadFileArgs dargs = (DownloadFileArgs) MSGPACK.decode(download, DownloadFileArgs.class);
    assertThat(dargs).isEqualTo(new DownloadFileArgs("download.txt", null));
    assertThat(MSGPACK.encode(dargs)).isEqualTo(download); // nil Meta as 0xc0, like Go

    byte[] stream = payload("streamservice_msgpack_stream_request");
    StreamServiceArgs sargs = (StreamServiceArgs) MSGPACK.decode(stream, StreamServiceArgs.class);
    assertThat(sargs).isEqualTo(new StreamServiceArgs(Map.of("foo", "bar")));
    assertThat(MSGPACK.encode(sargs)).isEqualTo(stream);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "filetransfer_json_transferfile_response",
        "filetransfer_json_downloadfile_response",
        "filetransfer_msgpack_transferfile_response",
        "filetransfer_msgpack_downloadfile_response"
      })
  void goFileTransferRepliesDecodeAndEncodeToTheSameBytes(String name) {
    Codec codec = name.contains("json") ? JSON : MSGPACK;
    byte[] payload = payload(name);
    FileTransferReply reply = (FileTransferReply) codec.decode(payload, FileTransferReply.class);
    JsonNode decoded = manifest(name).get("decoded");
    assertThat(HexFormat.of().formatHex(reply.token()))
        .isEqualTo(decoded.get("token_hex").asText());
    assertThat(reply.addr()).isEqualTo(decoded.get("addr").asText());
    assertThat(codec.encode(reply)).isEqualTo(payload);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"streamservice_json_stream_response", "streamservice_msgpack_stream_response"})
  void goStreamRepliesDecodeAndEncodeToTheSameBytes(String name) {
    Codec codec = name.contains("json") ? JSON : MSGPACK;
    byte[] payload = payload(name);
    StreamServiceReply reply = (StreamServiceReply) codec.decode(payload, StreamServiceReply.class);
    JsonNode decoded = manifest(name).get("decoded");
    assertThat(HexFormat.of().formatHex(reply.token()))
        .isEqualTo(decoded.get("token_hex").asText());
    assertThat(reply.addr()).isEqualTo(decoded.get("addr").asText());
    assertThat(codec.encode(reply)).isEqualTo(payload);
  }

  /** A Go client's exact request frame, then its side-channel bytes after the new token. */
  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void goClientUploadBytesAreStored(String codec) throws IOException {
    Codec c = codec.equals("json") ? JSON : MSGPACK;
    FileTransferReply reply =
        (FileTransferReply)
            c.decode(
                roundTrip(frame("filetransfer_" + codec + "_transferfile_request")),
                FileTransferReply.class);
    assertThat(reply.addr()).isEqualTo(files.advertisedAddress());
    byte[] side = frame("filetransfer_" + codec + "_upload_side_c2s");
    try (Socket s = dial(reply.addr())) {
      s.getOutputStream().write(reply.token());
      s.getOutputStream().write(side, 32, side.length - 32);
      s.shutdownOutput();
      assertThat(s.getInputStream().read()).isEqualTo(-1); // closed once stored
    }
    assertThat(Files.readString(dir.resolve("upload.txt"))).isEqualTo("hello rpcx file transfer\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void goClientDownloadGetsTheBytesGoServerSends(String codec) throws IOException {
    Codec c = codec.equals("json") ? JSON : MSGPACK;
    FileTransferReply reply =
        (FileTransferReply)
            c.decode(
                roundTrip(frame("filetransfer_" + codec + "_downloadfile_request")),
                FileTransferReply.class);
    try (Socket s = dial(reply.addr())) {
      s.getOutputStream().write(reply.token());
      assertThat(s.getInputStream().readAllBytes())
          .isEqualTo(frame("filetransfer_" + codec + "_download_side_s2c"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "msgpack"})
  void goClientStreamGetsTheHandlersAnswer(String codec) throws IOException {
    Codec c = codec.equals("json") ? JSON : MSGPACK;
    StreamServiceReply reply =
        (StreamServiceReply)
            c.decode(
                roundTrip(frame("streamservice_" + codec + "_stream_request")),
                StreamServiceReply.class);
    assertThat(reply.addr()).isEqualTo(streams.advertisedAddress());
    byte[] side = frame("streamservice_" + codec + "_side_c2s");
    try (Socket s = dial(reply.addr())) {
      s.getOutputStream().write(reply.token());
      s.getOutputStream().write(side, 32, side.length - 32);
      s.shutdownOutput();
      assertThat(s.getInputStream().readAllBytes())
          .isEqualTo(frame("streamservice_" + codec + "_side_s2c"));
    }
  }

  /** Sends a recorded request frame as is and returns the payload of the answer. */
  private byte[] roundTrip(byte[] request) throws IOException {
    try (Socket s = dial(server.address())) {
      s.getOutputStream().write(request);
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] header = new byte[16];
      in.readFully(header);
      assertThat(header[0]).isEqualTo((byte) 0x08);
      assertThat(header[2] & 0x03).as("status normal").isEqualTo(0);
      byte[] body = new byte[ByteBuffer.wrap(header, 12, 4).getInt()];
      in.readFully(body);
      byte[] frame = concat(header, body);
      return payloadOf(frame);
    }
  }

  private static Socket dial(String hostPort) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    Socket s = new Socket();
    s.connect(
        new InetSocketAddress(
            hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
        5000);
    s.setSoTimeout(10_000);
    return s;
  }

  static byte[] frame(String name) {
    try (InputStream in =
        FileTransferWireTest.class.getResourceAsStream("/vectors2/" + name + ".bin")) {
      if (in == null) {
        throw new IllegalStateException("vector " + name + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode manifest(String name) {
    try (InputStream in =
        FileTransferWireTest.class.getResourceAsStream("/vectors2/vectors2-transfer.json")) {
      for (JsonNode v : new ObjectMapper().readTree(in).get("vectors")) {
        if (v.get("name").asText().equals(name)) {
          return v;
        }
      }
      throw new IllegalStateException("no manifest entry " + name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] payload(String name) {
    byte[] p = payloadOf(frame(name));
    assertThat(HexFormat.of().formatHex(p)).isEqualTo(manifest(name).get("payload_hex").asText());
    return p;
  }

  /** The payload of an uncompressed rpcx frame: after path, method and metadata. */
  private static byte[] payloadOf(byte[] frame) {
    ByteBuffer b = ByteBuffer.wrap(frame, 16, frame.length - 16);
    for (int i = 0; i < 3; i++) {
      int len = b.getInt();
      b.position(b.position() + len);
    }
    byte[] payload = new byte[b.getInt()];
    b.get(payload);
    return payload;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
