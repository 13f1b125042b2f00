package io.jrpcx.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Consul's KV store as rpcx lays it out: {@code rpcx_test/<service>} and
 * {@code rpcx_test/<service>/<network@address>} = metadata (the base path without its leading
 * slash), read with one recursive {@code GET /v1/kv/<prefix>/?recurse}.
 */
final class ConsulRegistry implements Registry {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final Duration timeout;
  private final HttpClient http;

  ConsulRegistry(String hostPort, Duration timeout) {
    this.base = hostPort.contains("://") ? hostPort : "http://" + hostPort;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  @Override
  public ServiceTable list(String basePath) throws Exception {
    String prefix = Registry.trimSlashes(basePath) + "/";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/v1/kv/" + escape(prefix) + "?recurse"))
            .timeout(timeout)
            .GET()
            .build();
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw Registry.unreachable(
          "Consul at " + base, timeout, e instanceof java.net.http.HttpTimeoutException ? null : e);
    }
    ServiceTable table = new ServiceTable();
    if (r.statusCode() == 404) {
      return table; // Consul's answer for "no key under this prefix"
    }
    if (r.statusCode() != 200) {
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "Consul at " + base + " answered " + r.statusCode() + ": " + r.body().trim());
    }
    for (JsonNode entry : JSON.readTree(r.body())) {
      String key = entry.path("Key").asText();
      JsonNode value = entry.get("Value");
      // Values come base64-encoded, null when empty.
      String metadata =
          value == null || value.isNull()
              ? ""
              : new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8);
      if (key.startsWith(prefix)) {
        table.addKey(key.substring(prefix.length()), metadata);
      }
    }
    return table;
  }

  /** Percent-encodes a key for the URL path, keeping '/' and the characters rpcx keys use. */
  private static String escape(String key) {
    StringBuilder sb = new StringBuilder();
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (Character.isLetterOrDigit(c) && c < 0x80 || "-_.~/:@".indexOf(c) >= 0) {
        sb.append((char) c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    // The JDK client has nothing to release before Java 21.
  }
}
