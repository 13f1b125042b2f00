package io.jrpcx.transfer;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * The reply of {@code _filetransfer.TransferFile} and {@code DownloadFile}, Go's {@code
 * share.FileTransferReply}: the single-use token to write first on the side channel and the
 * address to dial; see {@link #token()} and {@link #addr()}. Immutable.
 */
@JsonSerialize(using = GoStruct.Serializer.class)
@JsonDeserialize(using = FileTransferReply.Reader.class)
public final class FileTransferReply extends SideChannelReply {
  public FileTransferReply(byte[] token, String addr) {
    super(token, addr);
  }

  static final class Reader extends SideChannelReply.Reader<FileTransferReply> {
    Reader() {
      super(FileTransferReply::new);
    }
  }
}
