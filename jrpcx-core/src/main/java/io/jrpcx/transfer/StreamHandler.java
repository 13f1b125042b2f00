package io.jrpcx.transfer;

import java.util.Map;

/**
 * Serves one stream once its client has connected to the side channel: Go's
 * {@code StreamHandler}. Runs on a side-channel thread of its own and may block; the stream is
 * closed when it returns.
 */
@FunctionalInterface
public interface StreamHandler {
  /**
   * @param stream the connection, after the token: read what the client writes, write back
   * @param meta the client's metadata from the {@code Stream} call, possibly null
   */
  void handle(ByteStream stream, Map<String, String> meta) throws Exception;
}
