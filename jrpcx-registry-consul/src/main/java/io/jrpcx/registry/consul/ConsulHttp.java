package io.jrpcx.registry.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrpcx.registry.RegistryAddress;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The few Consul HTTP API calls rpcx's Consul layout needs, over the JDK HTTP client: KV get,
 * recursive list with blocking queries, put (plain, acquire) and delete, and session
 * create/renew/destroy. Every call is synchronous and bounded by the request timeout (a blocking
 * list by its wait time plus Consul's jitter on top).
 */
final class ConsulHttp {
  /**
   * The KV flags Consul's Go API gives a lock key ({@code api.LockFlagValue}); libkv writes every
   * key with them, and Go's lock code refuses to lock a key carrying other flags.
   */
  static final long LOCK_FLAG_VALUE = 0x2ddccbc058a50c18L;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final String base;
  private final Duration requestTimeout;
  // Set by abandon(): the plugin then behaves like a process that vanished from the network.
  private volatile boolean abandoned;

  ConsulHttp(HttpClient client, String address, Duration requestTimeout) {
    this.client = client;
    this.base = baseUri(address);
    this.requestTimeout = requestTimeout;
  }

  static HttpClient newClient(Duration connectTimeout) {
    // Consul speaks HTTP/1.1 on its plain port; asking for h2c would only add an upgrade dance.
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .build();
  }

  /**
   * {@code host:port}, a full {@code http(s)://host:port} URL or a {@code consul://host:port}
   * registry address, as an HTTP base URL without trailing slash.
   */
  static String baseUri(String address) {
    String a = address.trim();
    if (RegistryAddress.isUrl(a) && !a.startsWith("http://") && !a.startsWith("https://")) {
      return "http://" + RegistryAddress.parse(a).hostFor(8500, "consul");
    }
    while (a.endsWith("/")) {
      a = a.substring(0, a.length() - 1);
    }
    if (a.isEmpty()) {
      throw new IllegalArgumentException("Consul address is empty");
    }
    return a.contains("://") ? a : "http://" + a;
  }

  String address() {
    return base;
  }

  /** A KV entry as Consul returns it, with the value decoded as UTF-8. */
  record Entry(
      String key,
      String value,
      long flags,
      String session,
      long lockIndex,
      long createIndex,
      long modifyIndex) {}

  /** The result of a (blocking) recursive list: the entries and {@code X-Consul-Index}. */
  record Listing(List<Entry> entries, long index) {}

  /** The entry at {@code key}, or null. */
  Entry get(String key) throws IOException {
    HttpResponse<String> r = send(request("/v1/kv/" + escapePath(key), requestTimeout).GET());
    if (r.statusCode() == 404) {
      return null;
    }
    List<Entry> entries = parseEntries(expectOk(r));
    return entries.isEmpty() ? null : entries.get(0);
  }

  /**
   * Every entry whose key starts with {@code prefix}. With {@code index > 0} this is a blocking
   * query: Consul answers when the prefix's index passes {@code index} or {@code wait} elapsed.
   */
  Listing list(String prefix, long index, Duration wait) throws IOException {
    StringBuilder q = new StringBuilder("/v1/kv/").append(escapePath(prefix)).append("?recurse");
    Duration timeout = requestTimeout;
    if (index > 0) {
      q.append("&index=").append(index).append("&wait=").append(goDuration(wait));
      // Consul adds up to wait/16 of jitter to spread wake-ups.
      timeout = wait.plus(wait.dividedBy(16)).plus(requestTimeout);
    }
    HttpResponse<String> r = send(request(q.toString(), timeout).GET());
    long newIndex = r.headers().firstValueAsLong("X-Consul-Index").orElse(0);
    if (r.statusCode() == 404) {
      return new Listing(List.of(), newIndex);
    }
    return new Listing(parseEntries(expectOk(r)), newIndex);
  }

  /** A plain write: keeps the key's lock holder, as Consul does for writes without acquire. */
  boolean put(String key, String value, long flags) throws IOException {
    return writeKv(key, value, "flags=" + Long.toUnsignedString(flags));
  }

  /**
   * A plain write that succeeds only while the entry's modify index is still
   * {@code modifyIndex}: a read-modify-write that loses no concurrent change and never
   * re-creates a key deleted meanwhile. Keeps the lock holder.
   */
  boolean casPut(String key, String value, long flags, long modifyIndex) throws IOException {
    return writeKv(key, value, "cas=" + modifyIndex + "&flags=" + Long.toUnsignedString(flags));
  }

  /**
   * Writes {@code value} while taking (or keeping) the lock of {@code session}; false when another
   * session holds the key.
   */
  boolean acquire(String key, String session, String value, long flags) throws IOException {
    return writeKv(
        key, value, "acquire=" + escapeQuery(session) + "&flags=" + Long.toUnsignedString(flags));
  }

  void delete(String key) throws IOException {
    expectOk(send(request("/v1/kv/" + escapePath(key), requestTimeout).DELETE()));
  }

  /** Creates a session and returns its ID. */
  String createSession(String behavior, Duration ttl, Duration lockDelay) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    // Go's API client sends the lock delay in milliseconds and the TTL as a duration string.
    body.put("LockDelay", Math.max(1, lockDelay.toMillis()) + "ms");
    body.put("Behavior", behavior);
    if (ttl != null) {
      body.put("TTL", goDuration(ttl));
    }
    HttpResponse<String> r =
        send(
            request("/v1/session/create", requestTimeout)
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
    JsonNode id = JSON.readTree(expectOk(r)).get("ID");
    if (id == null || !id.isTextual()) {
      throw new IOException("Consul answered a session create without an ID: " + r.body());
    }
    return id.asText();
  }

  /** Renews a TTL session; false when Consul no longer knows it. */
  boolean renewSession(String id) throws IOException {
    HttpResponse<String> r =
        send(
            request("/v1/session/renew/" + escapePath(id), requestTimeout)
                .PUT(HttpRequest.BodyPublishers.noBody()));
    if (r.statusCode() == 404) {
      return false;
    }
    expectOk(r);
    return true;
  }

  void destroySession(String id) throws IOException {
    expectOk(
        send(
            request("/v1/session/destroy/" + escapePath(id), requestTimeout)
                .PUT(HttpRequest.BodyPublishers.noBody())));
  }

  /** Makes every later call fail, as if this process had lost the network for good. */
  void abandon() {
    abandoned = true;
  }

  private boolean writeKv(String key, String value, String query) throws IOException {
    HttpResponse<String> r =
        send(
            request("/v1/kv/" + escapePath(key) + "?" + query, requestTimeout)
                .PUT(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8)));
    return "true".equals(expectOk(r).trim());
  }

  private HttpRequest.Builder request(String pathAndQuery, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws IOException {
    if (abandoned) {
      throw new IOException("Consul client abandoned");
    }
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while talking to Consul");
    }
  }

  private static String expectOk(HttpResponse<String> r) throws IOException {
    if (r.statusCode() / 100 != 2) {
      throw new IOException(
          "Consul answered "
              + r.statusCode()
              + " to "
              + r.request().method()
              + " "
              + r.request().uri().getRawPath()
              + ": "
              + r.body().trim());
    }
    return r.body();
  }

  static List<Entry> parseEntries(String body) throws IOException {
    JsonNode array = JSON.readTree(body);
    List<Entry> out = new ArrayList<>();
    if (array == null || !array.isArray()) {
      return out;
    }
    for (JsonNode n : array) {
      JsonNode v = n.get("Value");
      // Consul sends the value base64-encoded, and null for an empty one.
      String value =
          v == null || v.isNull()
              ? ""
              : new String(Base64.getDecoder().decode(v.asText()), StandardCharsets.UTF_8);
      JsonNode s = n.get("Session");
      out.add(
          new Entry(
              n.path("Key").asText(),
              value,
              unsigned(n.get("Flags")),
              s == null || s.isNull() ? "" : s.asText(),
              n.path("LockIndex").asLong(),
              n.path("CreateIndex").asLong(),
              n.path("ModifyIndex").asLong()));
    }
    return out;
  }

  private static long unsigned(JsonNode n) {
    if (n == null || n.isNull()) {
      return 0;
    }
    // Flags is a uint64: the lock flag value fits a long, others may not.
    return n.bigIntegerValue().longValue();
  }

  /**
   * A duration as Go's {@code time.ParseDuration} reads it: whole seconds as {@code 15s}, anything
   * finer in milliseconds.
   */
  static String goDuration(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  /**
   * Percent-encodes a KV key for a URL path: unreserved characters, '/', ':' and '@' stay as
   * they are (so {@code tcp@10.0.0.5:8972} reads as in Consul's own URLs), the rest is %XX of
   * UTF-8.
   */
  static String escapePath(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || c == '/'
          || c == ':'
          || c == '@') {
        sb.append((char) c);
      } else {
        sb.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return sb.toString();
  }

  private static String escapeQuery(String s) {
    return escapePath(s).replace("/", "%2F");
  }
}
