package io.jrpcx.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** HTTP for the tests: the JDK's client for well-formed requests, a raw socket for the rest. */
final class Http {
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private Http() {}

  /** A request to {@code path} on {@code address}; add headers, then {@link #send}. */
  static HttpRequest.Builder to(String address, String path) {
    return HttpRequest.newBuilder(URI.create("http://" + address + path))
        .timeout(Duration.ofSeconds(20));
  }

  static HttpRequest.BodyPublisher body(String text) {
    return HttpRequest.BodyPublishers.ofString(text);
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<byte[]> sendForBytes(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A gateway call: POST {@code /service} with method, serialize type JSON and {@code json}. */
  static HttpRequest.Builder gateway(String address, String service, String method, String json) {
    return to(address, "/" + service)
        .header("X-RPCX-ServiceMethod", method)
        .header("X-RPCX-SerializeType", "1")
        .POST(body(json));
  }

  /** A JSON-RPC call: POST {@code json} with {@code X-JSONRPC-2.0: true}. */
  static HttpRequest.Builder jsonRpc(String address, String json) {
    return to(address, "/")
        .header("X-JSONRPC-2.0", "true")
        .header("Content-Type", "application/json")
        .POST(body(json));
  }

  /**
   * An authenticator that guards service {@code Guarded} only: its callers need
   * {@code Authorization: Bearer s3cret}.
   */
  static io.jrpcx.server.Authenticator guardedBySecret() {
    return (conn, request, token) -> {
      if (request.servicePath().equals("Guarded") && !"Bearer s3cret".equals(token)) {
        throw new io.jrpcx.ServiceException("unauthorized: bad token");
      }
    };
  }

  /** A raw HTTP/1.1 gateway POST of {@code json} to Arith, with extra header lines. */
  static String rawArith(String method, String json, String... headers) {
    StringBuilder b =
        new StringBuilder("POST /Arith HTTP/1.1\r\nHost: x\r\n")
            .append("X-RPCX-ServiceMethod: ")
            .append(method)
            .append("\r\n")
            .append("X-RPCX-SerializeType: 1\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    return b.append("Content-Length: ")
        .append(json.length())
        .append("\r\n\r\n")
        .append(json)
        .toString();
  }

  /** A raw TCP connection to write any bytes to and read what comes back. */
  static final class Raw implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Raw(String address) throws IOException {
      this(address, Duration.ofSeconds(20));
    }

    /** A connection whose reads fail after {@code readTimeout} without a byte. */
    Raw(String address, Duration readTimeout) throws IOException {
      this(address, readTimeout, 0);
    }

    /**
     * A connection whose reads fail after {@code readTimeout} without a byte, and whose receive
     * buffer holds about {@code receiveBuffer} bytes (0: the system's, which grows).
     */
    Raw(String address, Duration readTimeout, int receiveBuffer) throws IOException {
      int colon = address.lastIndexOf(':');
      socket = new Socket();
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer); // before connecting, to fix the window
      }
      socket.connect(
          new InetSocketAddress(
              address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
      socket.setSoTimeout((int) readTimeout.toMillis());
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    Raw write(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return this;
    }

    /** Reads up to and including the blank line that ends a response head. */
    String readHead() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("end of stream after " + head);
        }
        head.write(b);
        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      return head.toString(StandardCharsets.ISO_8859_1);
    }

    byte[] readBytes(int n) throws IOException {
      return in.readNBytes(n);
    }

    /** Reads until the server closes the connection; returns what came. */
    String readToEnd() throws IOException {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Closes with a TCP reset rather than a FIN: the peer sees "connection reset". */
    void reset() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
