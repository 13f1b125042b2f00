package io.jrpcx.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * File upload and download over rpcx's side channel, Go's {@code server.FileTransfer}: enabled on
 * a server with {@code server.enableFileTransfer(fileTransfer)}, which serves
 * {@code _filetransfer.TransferFile} and {@code _filetransfer.DownloadFile} and listens on its own
 * {@link Builder#address address} for the connections that carry the bytes.
 *
 * <pre>{@code
 * server.enableFileTransfer(FileTransfer.builder()
 *     .address("0.0.0.0:8973").advertiseAddress("files.example.com:8973")
 *     .directory(Path.of("/srv/files"))          // or uploadHandler(...) / downloadHandler(...)
 *     .maxUploadSize(1L << 30)
 *     .build());
 * }</pre>
 *
 * <p>Each call answers with a 32-byte token from {@link java.security.SecureRandom} and the
 * address to dial; the client connects there, writes the token, and then sends or receives the
 * raw bytes. Tokens are single use, at most {@link Builder#waitNum} are outstanding (issuing
 * another forgets the oldest), and, unlike Go's, an unused token expires after {@link
 * Builder#tokenExpiry}. A connection that does not send a whole token within {@link
 * Builder#tokenReadTimeout}, or sends an unknown one, is closed.
 *
 * <p>Beyond Go and compatible with its clients: an upload larger than {@link
 * Builder#maxUploadSize} and a download the {@link DownloadHandler} refuses are errors of the call
 * itself, before any byte moves; {@link Builder#progress} reports bytes moved. Opt-in, and
 * <em>not</em> understood by Go clients: {@link Builder#tls(boolean)}.
 *
 * <p>Immutable; build with {@link #builder()}, copy with {@link #toBuilder()}.
 */
public final class FileTransfer {
  /** The service name Go's clients call, {@code share.SendFileServiceName}. */
  public static final String DEFAULT_SERVICE_NAME = "_filetransfer";

  final Endpoint endpoint;
  final String serviceName;
  final UploadHandler uploadHandler;
  final DownloadHandler downloadHandler;
  final long maxUploadSize;
  final TransferProgress progress;

  private FileTransfer(Builder b) {
    this.endpoint = b.endpoint.copy();
    this.serviceName = b.serviceName;
    this.uploadHandler = b.uploadHandler;
    this.downloadHandler = b.downloadHandler;
    this.maxUploadSize = b.maxUploadSize;
    this.progress = b.progress;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The rpcx service name the calls are served under. */
  public String serviceName() {
    return serviceName;
  }

  /** The address the side channel binds. */
  public String address() {
    return endpoint.address;
  }

  /** The address returned to clients, or null for the bound one. */
  public String advertiseAddress() {
    return endpoint.advertiseAddress;
  }

  /** The largest upload accepted, in bytes. */
  public long maxUploadSize() {
    return maxUploadSize;
  }

  @Override
  public String toString() {
    return "FileTransfer{"
        + serviceName
        + " on "
        + endpoint.address
        + (endpoint.advertiseAddress == null ? "" : " as " + endpoint.advertiseAddress)
        + (endpoint.tls ? " with TLS" : "")
        + ", uploads "
        + (uploadHandler != null)
        + ", downloads "
        + (downloadHandler != null)
        + "}";
  }

  /**
   * Whether {@code name} can only mean a file directly in a directory: not empty, not {@code .}
   * or {@code ..}, no path separator, no NUL. Names come from the network.
   */
  public static boolean isPlainFileName(String name) {
    return name != null
        && !name.isEmpty()
        && !name.equals(".")
        && !name.equals("..")
        && name.indexOf('/') < 0
        && name.indexOf('\\') < 0
        && name.indexOf('\0') < 0;
  }

  /** Configures a {@link FileTransfer}; every setting but a handler has a default. */
  public static final class Builder extends SideChannelBuilder<Builder> {
    private UploadHandler uploadHandler;
    private DownloadHandler downloadHandler;
    private long maxUploadSize = Long.MAX_VALUE;
    private TransferProgress progress = TransferProgress.NONE;

    private Builder() {
      super(new Endpoint(Duration.ofSeconds(60)), DEFAULT_SERVICE_NAME);
    }

    private Builder(FileTransfer f) {
      super(f.endpoint.copy(), f.serviceName);
      uploadHandler = f.uploadHandler;
      downloadHandler = f.downloadHandler;
      maxUploadSize = f.maxUploadSize;
      progress = f.progress;
    }

    /** Receives uploads; without one, {@code TransferFile} is refused. */
    public Builder uploadHandler(UploadHandler handler) {
      uploadHandler = handler;
      return this;
    }

    /** Serves downloads; without one, {@code DownloadFile} is refused. */
    public Builder downloadHandler(DownloadHandler handler) {
      downloadHandler = handler;
      return this;
    }

    /**
     * Stores uploads in {@code dir} under the name the client sent (written whole to a temporary
     * file first, see {@link Upload#saveTo}) and serves downloads from it. Names with a path in
     * them are refused, so nothing outside {@code dir} is read or written.
     */
    public Builder directory(Path dir) {
      Path root = dir.toAbsolutePath().normalize();
      uploadHandler =
          upload -> {
            if (!isPlainFileName(upload.fileName())) {
              throw new IOException("refusing file name " + upload.fileName());
            }
            upload.saveTo(root.resolve(upload.fileName()));
          };
      downloadHandler =
          (name, meta) -> {
            if (!isPlainFileName(name)) {
              throw new IllegalArgumentException("refusing file name " + name);
            }
            Path file = root.resolve(name);
            if (!Files.isRegularFile(file)) {
              throw new NoSuchFileException(name);
            }
            return Download.of(file);
          };
      return this;
    }

    /**
     * Uploads announcing more bytes are refused in the {@code TransferFile} call, before anything
     * is stored; default unlimited.
     */
    public Builder maxUploadSize(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxUploadSize must not be negative");
      }
      maxUploadSize = bytes;
      return this;
    }

    /** Told of the bytes moved by each upload and download. */
    public Builder progress(TransferProgress progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /** @throws IllegalStateException when neither handler is set */
    public FileTransfer build() {
      if (uploadHandler == null && downloadHandler == null) {
        throw new IllegalStateException(
            "a FileTransfer needs an uploadHandler, a " + "downloadHandler or a directory");
      }
      return new FileTransfer(this);
    }
  }
}
