package io.jrpcx.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

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
  public static final class Builder {
    private final Endpoint endpoint;
    private String serviceName = DEFAULT_SERVICE_NAME;
    private UploadHandler uploadHandler;
    private DownloadHandler downloadHandler;
    private long maxUploadSize = Long.MAX_VALUE;
    private TransferProgress progress = TransferProgress.NONE;

    private Builder() {
      endpoint = new Endpoint(Duration.ofSeconds(60));
    }

    private Builder(FileTransfer f) {
      endpoint = f.endpoint.copy();
      serviceName = f.serviceName;
      uploadHandler = f.uploadHandler;
      downloadHandler = f.downloadHandler;
      maxUploadSize = f.maxUploadSize;
      progress = f.progress;
    }

    /** {@code host:port} the side channel listens on; default {@code 127.0.0.1:0} (any port). */
    public Builder address(String hostPort) {
      endpoint.address = Endpoint.hostPort(hostPort, "address");
      return this;
    }

    /**
     * The {@code host:port} clients are told to dial, Go's {@code AdvertiseAddr}: for a side
     * channel behind NAT or a proxy, or bound to a wildcard address. Default: the bound address.
     */
    public Builder advertiseAddress(String hostPort) {
      endpoint.advertiseAddress =
          hostPort == null ? null : Endpoint.hostPort(hostPort, "advertiseAddress");
      return this;
    }

    /** The rpcx service name; default {@value FileTransfer#DEFAULT_SERVICE_NAME}, as in Go. */
    public Builder serviceName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("service name must not be empty");
      }
      serviceName = name;
      return this;
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

    /** At most this many tokens are outstanding; issuing one more forgets the oldest. */
    public Builder waitNum(int tokens) {
      endpoint.waitNum = Endpoint.atLeastOne(tokens, "waitNum");
      return this;
    }

    /** An unused token is forgotten after this long; default 60 s. */
    public Builder tokenExpiry(Duration expiry) {
      endpoint.tokenExpiry = Endpoint.positive(expiry, "tokenExpiry");
      return this;
    }

    /** A side-channel connection must send its whole token within this; default 10 s. */
    public Builder tokenReadTimeout(Duration timeout) {
      endpoint.tokenReadTimeout = Endpoint.positive(timeout, "tokenReadTimeout");
      return this;
    }

    /** A transfer with no byte moving for this long fails; zero for none; default 60 s. */
    public Builder idleTimeout(Duration timeout) {
      endpoint.idleTimeout = Endpoint.notNegative(timeout, "idleTimeout");
      return this;
    }

    /** Side-channel connections served at once, each on a thread; more are closed; default 64. */
    public Builder maxConnections(int connections) {
      endpoint.maxConnections = Endpoint.atLeastOne(connections, "maxConnections");
      return this;
    }

    /** Told of the bytes moved by each upload and download. */
    public Builder progress(TransferProgress progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /**
     * Serves the side channel with the server's TLS settings, advertised as
     * {@code tls@host:port}, which jrpcx clients dial with TLS. Go clients cannot use such a side
     * channel (Go's is always plain TCP): keep the default, false, for them.
     */
    public Builder tls(boolean tls) {
      endpoint.tls = tls;
      return this;
    }

    /** For tests: the nanosecond clock token expiry is measured with. */
    Builder ticker(LongSupplier nanoTime) {
      endpoint.ticker = Objects.requireNonNull(nanoTime, "nanoTime");
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
