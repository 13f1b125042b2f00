package io.jrpcx.transfer;

import java.util.Map;

/**
 * Decides, while the {@code DownloadFile} call is answered, what a download sends: Go's
 * {@code DownloadFileHandler}, split in two so that a refusal reaches the caller. Throwing here
 * answers the call with an rpcx error carrying the exception's message (Go's client would
 * otherwise see an empty download and no error); the returned {@link Download} is written once the
 * client connects to the side channel, or closed unwritten when its token is never used.
 */
@FunctionalInterface
public interface DownloadHandler {
  /**
   * @param fileName the name the client asked for: check it, it comes from the network
   * @param meta the client's metadata, possibly null
   */
  Download open(String fileName, Map<String, String> meta) throws Exception;
}
