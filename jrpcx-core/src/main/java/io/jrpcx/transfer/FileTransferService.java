package io.jrpcx.transfer;

import io.jrpcx.ServiceException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;

/**
 * The rpcx service {@code _filetransfer}: {@code TransferFile} and {@code DownloadFile} check the
 * request, issue a token for it and answer with the side channel's address. Registered by {@link
 * SideChannels#enableFileTransfer}; its public methods are the service's methods.
 */
final class FileTransferService {
  private final FileTransfer config;
  private final SideChannelServer channel;

  FileTransferService(FileTransfer config, SideChannelServer channel) {
    this.config = config;
    this.channel = channel;
  }

  public FileTransferReply transferFile(FileTransferArgs args) {
    if (config.uploadHandler == null) {
      throw new ServiceException("this server takes no uploads");
    }
    if (args.fileSize() < 0) {
      throw new ServiceException("invalid file size " + args.fileSize());
    }
    if (args.fileSize() > config.maxUploadSize) {
      throw new ServiceException(
          "file "
              + args.fileName()
              + " is "
              + args.fileSize()
              + " bytes, more than the upload limit of "
              + config.maxUploadSize
              + " bytes");
    }
    byte[] token = channel.issue(connection -> receive(args, connection));
    return new FileTransferReply(token, channel.advertisedAddress());
  }

  public FileTransferReply downloadFile(DownloadFileArgs args) throws Exception {
    if (config.downloadHandler == null) {
      throw new ServiceException("this server serves no downloads");
    }
    Download download;
    try {
      download = config.downloadHandler.open(args.fileName(), args.meta());
    } catch (NoSuchFileException | FileNotFoundException e) {
      throw new ServiceException("file not found: " + args.fileName());
    }
    if (download == null) {
      throw new ServiceException("file not found: " + args.fileName());
    }
    try {
      byte[] token =
          channel.issue(
              new TokenStore.Pending() {
                @Override
                public void serve(SideConnection connection) throws IOException {
                  send(args.fileName(), download, connection);
                }

                @Override
                public void close() {
                  try {
                    download.close();
                  } catch (Exception e) {
                    // released as well as it can be
                  }
                }
              });
      return new FileTransferReply(token, channel.advertisedAddress());
    } catch (RuntimeException e) {
      download.close();
      throw e;
    }
  }

  private void receive(FileTransferArgs args, SideConnection connection) throws Exception {
    UploadBody body =
        new UploadBody(connection.input(), args.fileName(), args.fileSize(), config.progress);
    config.progress.progress(args.fileName(), 0, args.fileSize());
    config.uploadHandler.upload(new Upload(args, connection.remoteAddress(), body));
    if (!body.complete()) {
      throw new IOException(
          "the upload handler returned after "
              + body.bytesRead()
              + " of "
              + args.fileSize()
              + " bytes of "
              + args.fileName());
    }
  }

  private void send(String name, Download download, SideConnection connection) throws IOException {
    long size = download.size();
    config.progress.progress(name, 0, size);
    java.nio.channels.SocketChannel zeroCopy = connection.socket.getChannel();
    if (download instanceof FileDownload && zeroCopy != null && !connection.isTls()) {
      ((FileDownload) download)
          .transferTo(zeroCopy, sent -> config.progress.progress(name, sent, size));
      return;
    }
    OutputStream socket = connection.output();
    long[] sent = {0};
    download.writeTo(
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            socket.write(b, off, len);
            sent[0] += len;
            config.progress.progress(name, sent[0], size);
          }

          @Override
          public void flush() throws IOException {
            socket.flush();
          }
        });
    socket.flush();
  }
}
