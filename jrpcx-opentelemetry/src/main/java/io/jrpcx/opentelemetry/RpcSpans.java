package io.jrpcx.opentelemetry;

import io.jrpcx.protocol.Message;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the client and server tracing share: the span name and attributes (OpenTelemetry's RPC
 * semantic conventions), rpcx request metadata as the propagation carrier, and how a failure of
 * tracing itself is reported without failing the call.
 */
final class RpcSpans {
  private static final Logger log = LoggerFactory.getLogger(RpcSpans.class);

  static final String INSTRUMENTATION_NAME = "io.jrpcx.opentelemetry";
  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** The default propagation: W3C {@code traceparent}/{@code tracestate} and {@code baggage}. */
  static final TextMapPropagator W3C =
      TextMapPropagator.composite(
          W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());

  /** Reads trace context from a request's metadata, as rpcx's Go plugins write it there. */
  static final TextMapGetter<Message> GETTER =
      new TextMapGetter<>() {
        // Deprecated in the API but still abstract: every getter must implement it.
        @Override
        @SuppressWarnings("deprecation")
        public Iterable<String> keys(Message carrier) {
          return carrier.metadata().keySet();
        }

        @Override
        public String get(Message carrier, String key) {
          return carrier == null ? null : carrier.metadata(key);
        }
      };

  /** Writes trace context into a request's metadata. */
  static final TextMapSetter<Message> SETTER =
      (carrier, key, value) -> {
        if (carrier != null) {
          carrier.putMetadata(key, value);
        }
      };

  private final AtomicBoolean warned = new AtomicBoolean();
  private final String owner;

  RpcSpans(String owner) {
    this.owner = owner;
  }

  /** {@code Service/Method}, the RPC span name of the semantic conventions. */
  static String name(String service, String method) {
    return service + "/" + method;
  }

  static SpanBuilder rpcAttributes(SpanBuilder b, String service, String method) {
    return b.setAttribute(RPC_SYSTEM, "rpcx")
        .setAttribute(RPC_SERVICE, service)
        .setAttribute(RPC_METHOD, method);
  }

  /** Sets {@code host} and {@code port} attributes from a socket address, if it has them. */
  static SpanBuilder address(
      SpanBuilder b, SocketAddress address, AttributeKey<String> host, AttributeKey<Long> port) {
    if (address instanceof InetSocketAddress) {
      InetSocketAddress inet = (InetSocketAddress) address;
      b.setAttribute(host, inet.getHostString());
      b.setAttribute(port, (long) inet.getPort());
    } else if (address != null) {
      b.setAttribute(host, address.toString());
    }
    return b;
  }

  /** Sets the server address attributes from {@code host:port} or a unix socket path. */
  static SpanBuilder serverAddress(SpanBuilder b, String address) {
    if (address == null || address.isEmpty()) {
      return b;
    }
    int colon = address.lastIndexOf(':');
    if (colon > 0 && colon < address.length() - 1) {
      try {
        long port = Long.parseLong(address.substring(colon + 1));
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        return b.setAttribute(SERVER_ADDRESS, host).setAttribute(SERVER_PORT, port);
      } catch (NumberFormatException notAPort) {
        // not host:port, e.g. a unix socket path: keep it whole
      }
    }
    return b.setAttribute(SERVER_ADDRESS, address);
  }

  /**
   * Reports a failure inside a tracing hook: the first at WARN, so that it is noticed, the rest
   * at DEBUG, so that it does not flood the log. The call itself goes on.
   */
  void report(String hook, RuntimeException e) {
    if (warned.compareAndSet(false, true)) {
      log.warn(
          "{}: tracing in {} failed; the call goes on untraced where this repeats"
              + " (later failures are logged at DEBUG)",
          owner,
          hook,
          e);
    } else {
      log.debug("{}: tracing in {} failed", owner, hook, e);
    }
  }
}
