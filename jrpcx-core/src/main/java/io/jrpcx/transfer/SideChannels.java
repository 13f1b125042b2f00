package io.jrpcx.transfer;

import io.jrpcx.Context;
import io.jrpcx.TlsConfig;
import io.jrpcx.server.Server;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where {@code Server}, {@code Client} and {@code XClient} hand their file-transfer and stream
 * methods over; applications call those methods rather than this class.
 */
public final class SideChannels {
  private SideChannels() {}

  /** The rpcx call that gets a token: a client's {@code call} bound to the service path. */
  @FunctionalInterface
  public interface Caller {
    Object call(Context ctx, String serviceMethod, Object args, Class<?> replyType);
  }

  /** Starts {@code fileTransfer}'s listener and registers its service on {@code server}. */
  public static SideChannel enableFileTransfer(Server server, FileTransfer fileTransfer) {
    Objects.requireNonNull(fileTransfer, "fileTransfer");
    SideChannelServer channel =
        new SideChannelServer("filetransfer", fileTransfer.endpoint, server.tls());
    register(
        server, fileTransfer.serviceName, new FileTransferService(fileTransfer, channel), channel);
    return channel;
  }

  /** Starts {@code streamService}'s listener and registers its service on {@code server}. */
  public static SideChannel enableStreamService(Server server, StreamService streamService) {
    Objects.requireNonNull(streamService, "streamService");
    SideChannelServer channel =
        new SideChannelServer("streamservice", streamService.endpoint, server.tls());
    register(
        server, streamService.serviceName, new StreamRpcService(streamService, channel), channel);
    return channel;
  }

  private static void register(
      Server server, String name, Object service, SideChannelServer channel) {
    try {
      server.register(name, service, "");
    } catch (IllegalArgumentException e) {
      channel.close(); // the name is taken: nothing will ever issue a token
      throw e;
    }
  }

  /** See {@code Client.sendFile}. */
  public static long sendFile(
      Caller caller,
      TlsConfig tls,
      Context ctx,
      Path file,
      long bytesPerSecond,
      Map<String, String> meta,
      TransferProgress progress)
      throws IOException {
    return SideChannelClient.sendFile(
        caller,
        tls,
        Objects.requireNonNull(ctx, "ctx"),
        Objects.requireNonNull(file, "file"),
        bytesPerSecond,
        meta,
        progress == null ? TransferProgress.NONE : progress);
  }

  /** See {@code Client.downloadFile}. */
  public static long downloadFile(
      Caller caller,
      TlsConfig tls,
      Context ctx,
      String fileName,
      OutputStream sink,
      Map<String, String> meta,
      TransferProgress progress)
      throws IOException {
    return SideChannelClient.downloadFile(
        caller,
        tls,
        Objects.requireNonNull(ctx, "ctx"),
        Objects.requireNonNull(fileName, "fileName"),
        Objects.requireNonNull(sink, "sink"),
        meta,
        progress == null ? TransferProgress.NONE : progress);
  }

  /** See {@code Client.stream}. */
  public static ByteStream stream(
      Caller caller, TlsConfig tls, Context ctx, Map<String, String> meta) {
    return SideChannelClient.stream(caller, tls, Objects.requireNonNull(ctx, "ctx"), meta);
  }
}
