package io.jrpcx.examples;

import io.jrpcx.server.Server;
import io.jrpcx.transfer.FileTransfer;
import io.jrpcx.transfer.SideChannel;
import io.jrpcx.transfer.StreamService;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Serves files and a stream over rpcx's side channel until killed, like rpcx's
 * {@code 130file} examples: uploads are stored in {@code --dir}, downloads are read from it, and
 * the stream service answers each chunk it reads upper-cased. Go's rpcx clients use it as they use
 * a Go server.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.FileServer --addr 127.0.0.1:8972 \
 *     --file-addr 127.0.0.1:8973 --dir /tmp/files</pre>
 *
 * <p>The stream service listens on {@code --stream-addr}, by default a free port on the
 * {@code --file-addr} host.
 */
public final class FileServer {
  private FileServer() {}

  public static void main(String[] args) throws Exception {
    Server server = start(new Flags(args));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.shutdown(Duration.ofSeconds(5))));
    server.awaitTermination();
  }

  /** Starts the server the flags describe, prints where it listens, and returns it. */
  static Server start(Flags flags) throws Exception {
    Path dir = Files.createDirectories(Path.of(flags.get("dir", "files")));
    String fileAddr = flags.get("file-addr", "127.0.0.1:8973");
    String streamAddr =
        flags.get("stream-addr", fileAddr.substring(0, fileAddr.lastIndexOf(':')) + ":0");
    Server server = Server.builder().build();
    SideChannel files =
        server.enableFileTransfer(FileTransfer.builder().address(fileAddr).directory(dir).build());
    SideChannel streams =
        server.enableStreamService(
            StreamService.builder()
                .address(streamAddr)
                .handler(
                    (stream, meta) -> {
                      InputStream in = stream.input();
                      OutputStream out = stream.output();
                      byte[] chunk = new byte[8192];
                      for (int n; (n = in.read(chunk)) >= 0; ) {
                        for (int i = 0; i < n; i++) {
                          if (chunk[i] >= 'a' && chunk[i] <= 'z') {
                            chunk[i] -= 'a' - 'A';
                          }
                        }
                        out.write(chunk, 0, n);
                      }
                    })
                .build());
    server.start("tcp", flags.get("addr", "127.0.0.1:8972"));
    System.out.println(
        "FileServer serving "
            + dir
            + " on tcp@"
            + server.address()
            + " (files "
            + files.address()
            + ", streams "
            + streams.address()
            + ")");
    return server;
  }
}
