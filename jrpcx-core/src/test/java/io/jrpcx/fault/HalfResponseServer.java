package io.jrpcx.fault;

import io.jrpcx.internal.FrameCodec;
import io.jrpcx.protocol.Message;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw server that reads one request per connection, writes the first half of a well-formed
 * response frame to it (the whole header and half the body) and then resets the connection
 * (RST, not FIN): a server that crashed while answering.
 */
final class HalfResponseServer implements AutoCloseable {
  private static final FrameCodec CODEC = FrameCodec.defaults();

  private final ServerSocket listener;
  private final AtomicInteger halfAnswered = new AtomicInteger();

  HalfResponseServer() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "half-response-server");
    t.setDaemon(true);
    t.start();
  }

  /** {@code tcp@127.0.0.1:port}. */
  String key() {
    return "tcp@127.0.0.1:" + listener.getLocalPort();
  }

  /** Connections that got half a response and a reset. */
  int halfAnswered() {
    return halfAnswered.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket s = listener.accept();
        Thread t = new Thread(() -> answerHalfThenReset(s), "half-response-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void answerHalfThenReset(Socket s) {
    try (s) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] header = new byte[FrameCodec.HEADER_LENGTH];
      in.readFully(header);
      int length = CODEC.frameLength(ByteBuffer.wrap(header));
      byte[] frame = Arrays.copyOf(header, length);
      in.readFully(frame, header.length, length - header.length);
      Message request = CODEC.decode(frame);
      Message response = request.newResponse().setPayload(new byte[512]);
      byte[] answer = CODEC.encode(response);
      OutputStream out = s.getOutputStream();
      out.write(answer, 0, answer.length / 2);
      out.flush();
      s.setSoLinger(true, 0); // close with RST
      halfAnswered.incrementAndGet();
    } catch (IOException e) {
      // the client went away first
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
