package io.jrpcx.examples;

import io.jrpcx.Context;
import io.jrpcx.client.Client;
import io.jrpcx.transfer.ByteStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Uploads, downloads or streams a file through a {@link FileServer} (or a Go rpcx server with
 * file transfer enabled), like rpcx's {@code 130file} clients. Prints {@code RESULT: OK <bytes>}
 * on success and {@code ERROR: <text>} on failure, with exit status 1.
 *
 * <pre>java -cp jrpcx-examples.jar io.jrpcx.examples.FileClient --addr 127.0.0.1:8972 \
 *     --mode upload|download|stream --file PATH</pre>
 *
 * <ul>
 *   <li>{@code upload} sends {@code PATH} under its file name; bytes = bytes sent.
 *   <li>{@code download} fetches the file named like {@code PATH}'s file name into {@code PATH}
 *       (whole or not at all); bytes = bytes received.
 *   <li>{@code stream} sends {@code PATH}'s content over a stream and prints the bytes of the
 *       answer (the FileServer answers it upper-cased).
 * </ul>
 */
public final class FileClient {
  private FileClient() {}

  public static void main(String[] args) {
    int status = run(args);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Does what {@link #main} does and returns its exit status. */
  static int run(String[] args) {
    try {
      Flags flags = new Flags(args);
      String mode = flags.get("mode", "upload");
      Path file = Path.of(flags.get("file", ""));
      try (Client client = new Client()) {
        client.connect("tcp", flags.get("addr", "127.0.0.1:8972"));
        long bytes;
        switch (mode) {
          case "upload":
            bytes = client.sendFile(Context.background(), file, 0, null);
            break;
          case "download":
            bytes = download(client, file);
            break;
          case "stream":
            bytes = stream(client, file);
            break;
          default:
            throw new IllegalArgumentException(
                "--mode must be upload, download or stream, not " + mode);
        }
        System.out.println("RESULT: OK " + bytes);
        return 0;
      }
    } catch (Exception e) {
      System.out.println("ERROR: " + e.getMessage());
      return 1;
    }
  }

  private static long download(Client client, Path file) throws Exception {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
    try {
      long bytes;
      try (OutputStream out = Files.newOutputStream(temp)) {
        bytes = client.downloadFile(Context.background(), file.getFileName().toString(), out, null);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return bytes;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static long stream(Client client, Path file) throws Exception {
    try (ByteStream stream = client.stream(Context.background(), null);
        InputStream in = Files.newInputStream(file)) {
      in.transferTo(stream.output());
      stream.shutdownOutput();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      stream.input().transferTo(answer);
      return answer.size();
    }
  }
}
