package io.jrpcx.transfer;

import java.util.Map;

/**
 * Decides, while the {@code Stream} call is answered, whether to open a stream at all: Go's
 * {@code StreamAcceptor}. A refusal answers the call with Go's error text
 * {@value StreamService#REFUSED}, and no token is issued.
 */
@FunctionalInterface
public interface StreamAcceptor {
  /** Accepts everything. */
  StreamAcceptor ALL = meta -> true;

  /** @param meta the client's metadata, possibly null */
  boolean accept(Map<String, String> meta);
}
