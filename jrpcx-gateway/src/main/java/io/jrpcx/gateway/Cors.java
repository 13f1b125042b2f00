package io.jrpcx.gateway;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Which browser origins may call the gateway, rpcx's {@code SetCORS}. Preflight {@code OPTIONS}
 * requests are answered for {@code GET}, {@code POST} and {@code PUT} with the gateway's request
 * headers; responses expose the {@code X-RPCX-*} headers to scripts. A request from an origin not
 * allowed gets 403.
 *
 * <pre>{@code
 * Gateway.builder().cors(Cors.origins("https://app.example").withMaxAge(Duration.ofHours(1)))
 * }</pre>
 *
 * <p>Immutable: the {@code with} methods return changed copies.
 */
public final class Cors {
  private static final String[] REQUEST_HEADERS = {
    "Content-Type",
    "Content-Encoding",
    "Authorization",
    RpcxHeaders.JSONRPC,
    RpcxHeaders.VERSION,
    RpcxHeaders.MESSAGE_ID,
    RpcxHeaders.HEARTBEAT,
    RpcxHeaders.ONEWAY,
    RpcxHeaders.SERIALIZE_TYPE,
    RpcxHeaders.COMPRESS_TYPE,
    RpcxHeaders.SERVICE_PATH,
    RpcxHeaders.SERVICE_METHOD,
    RpcxHeaders.META
  };
  private static final String[] EXPOSED_HEADERS = {
    RpcxHeaders.VERSION, RpcxHeaders.MESSAGE_ID, RpcxHeaders.HEARTBEAT,
    RpcxHeaders.MESSAGE_STATUS_TYPE, RpcxHeaders.ERROR_MESSAGE, RpcxHeaders.SERIALIZE_TYPE,
    RpcxHeaders.COMPRESS_TYPE, RpcxHeaders.SERVICE_PATH, RpcxHeaders.SERVICE_METHOD,
    RpcxHeaders.META
  };

  private final List<String> origins;
  private final boolean credentials;
  private final Duration maxAge;

  private Cors(List<String> origins, boolean credentials, Duration maxAge) {
    this.origins = origins;
    this.credentials = credentials;
    this.maxAge = maxAge;
  }

  /** Any origin may call, without credentials (cookies, HTTP auth). */
  public static Cors anyOrigin() {
    return new Cors(List.of(), false, Duration.ZERO);
  }

  /** Only these origins, e.g. {@code "https://app.example"}, may call. */
  public static Cors origins(String... origins) {
    if (origins.length == 0) {
      throw new IllegalArgumentException("name at least one origin, or use Cors.anyOrigin()");
    }
    for (String o : origins) {
      Objects.requireNonNull(o, "origin");
      if (o.equals("*")) {
        throw new IllegalArgumentException("\"*\" is not an origin: use Cors.anyOrigin()");
      }
    }
    return new Cors(List.of(origins), false, Duration.ZERO);
  }

  /**
   * Lets browsers send credentials ({@code Access-Control-Allow-Credentials: true}); the allowed
   * origin is then echoed rather than {@code *}, as browsers require.
   */
  public Cors withCredentials() {
    return new Cors(origins, true, maxAge);
  }

  /** How long browsers may cache a preflight answer (default: not at all). */
  public Cors withMaxAge(Duration maxAge) {
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge < 0: " + maxAge);
    }
    return new Cors(origins, credentials, maxAge);
  }

  CorsConfig toNetty() {
    CorsConfigBuilder b =
        origins.isEmpty()
            ? CorsConfigBuilder.forAnyOrigin()
            : CorsConfigBuilder.forOrigins(origins.toArray(new String[0]));
    b.allowedRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT)
        .allowedRequestHeaders(REQUEST_HEADERS)
        .exposeHeaders(EXPOSED_HEADERS)
        .maxAge(maxAge.toSeconds())
        .shortCircuit();
    if (credentials) {
      b.allowCredentials();
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "Cors[origins="
        + (origins.isEmpty() ? "*" : origins)
        + ", credentials="
        + credentials
        + ", maxAge="
        + maxAge
        + "]";
  }
}
