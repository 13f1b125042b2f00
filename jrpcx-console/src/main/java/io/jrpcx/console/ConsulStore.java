package io.jrpcx.console;

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
import java.util.ConcurrentModificationException;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Consul's KV store as rpcx lays it out: {@code rpcx_test/<service>/<network@address>} = metadata
 * (the base path without its leading slash). An edit is a check-and-set PUT at the entry's
 * {@code ModifyIndex} with its {@code flags}: the session that locks the leaf (and deletes it with
 * its server) stays, since only {@code ?release} ends a lock. Re-read on the console's timer.
 */
final class ConsulStore implements WritableStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 10;

  private final String agent;
  private final String prefix;
  private final Duration timeout;
  private final HttpClient http;

  ConsulStore(String hostPort, String basePath, Duration timeout) {
    this.agent = "http://" + hostPort;
    this.prefix = RegistryStore.trimSlashes(basePath) + "/";
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  @Override
  public String describe() {
    return "Consul at " + agent;
  }

  @Override
  public SortedMap<String, SortedMap<String, String>> read() throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri(prefix, "recurse")).GET());
    SortedMap<String, SortedMap<String, String>> services = new TreeMap<>();
    if (r.statusCode() == 404) {
      return services; // Consul's answer for "no key under this prefix"
    }
    requireOk(r);
    for (JsonNode entry : JSON.readTree(r.body())) {
      String key = entry.path("Key").asText();
      if (key.startsWith(prefix)) {
        RegistryStore.addKey(services, key.substring(prefix.length()), value(entry));
      }
    }
    return services;
  }

  @Override
  public String update(String service, String node, UnaryOperator<String> edit) throws Exception {
    String key = prefix + service + "/" + node;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      HttpResponse<String> found = send(HttpRequest.newBuilder(uri(key, null)).GET());
      if (found.statusCode() == 404) {
        throw new NoSuchElementException(
            "no node " + node + " of " + service + " in " + describe());
      }
      requireOk(found);
      JsonNode entry = JSON.readTree(found.body()).get(0);
      String value = edit.apply(value(entry));
      String query =
          "cas=" + entry.path("ModifyIndex").asLong() + "&flags=" + entry.path("Flags").asLong();
      HttpResponse<String> put =
          send(
              HttpRequest.newBuilder(uri(key, query))
                  .PUT(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8)));
      requireOk(put);
      if (put.body().trim().equals("true")) {
        return value;
      }
    }
    throw new ConcurrentModificationException(
        node + " of " + service + " kept changing in " + describe() + "; try again");
  }

  /** A KV entry's value: base64 in Consul's answers, null when empty. */
  private static String value(JsonNode entry) {
    JsonNode value = entry.get("Value");
    return value == null || value.isNull()
        ? ""
        : new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8);
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(
        request.timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private void requireOk(HttpResponse<String> r) throws IOException {
    if (r.statusCode() != 200) {
      throw new IOException(describe() + " answered " + r.statusCode() + ": " + r.body().trim());
    }
  }

  private URI uri(String key, String query) {
    return URI.create(agent + "/v1/kv/" + escape(key) + (query == null ? "" : "?" + query));
  }

  /** Percent-encodes a key for the URL path, keeping '/' and the characters rpcx keys use. */
  private static String escape(String key) {
    StringBuilder sb = new StringBuilder();
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 0x80 && Character.isLetterOrDigit(c) || "-_.~/:@".indexOf(c) >= 0) {
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
