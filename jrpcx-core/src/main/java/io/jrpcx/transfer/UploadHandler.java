package io.jrpcx.transfer;

/**
 * Receives an upload on the server once its client has connected to the side channel: Go's
 * {@code FileTransferHandler}. Runs on a side-channel thread of its own and may block; the
 * connection is closed when it returns. Throwing (or returning before reading all the bytes)
 * fails the upload: the client's {@code sendFile} then fails too.
 */
@FunctionalInterface
public interface UploadHandler {
  void upload(Upload upload) throws Exception;
}
