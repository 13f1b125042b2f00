package io.jrpcx.registry.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Plain HTTP calls against Consul's API, independent of the module's own client: the tests use it
 * to write entries the way Go's libkv does and to read back exactly what is stored.
 */
final class RawConsul {
  /** Go's {@code api.LockFlagValue}, in the decimal form Go's client puts in the URL. */
  static final String LOCK_FLAGS = "3304740253564472344";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;

  RawConsul(String address) {
    this.base = "http://" + address;
  }

  /** {@code PUT /v1/session/create} with Go's libkv body for an ephemeral key. */
  String createSession(String ttl) throws Exception {
    String body = "{\"LockDelay\":\"1ms\",\"Behavior\":\"delete\",\"TTL\":\"" + ttl + "\"}";
    return JSON.readTree(send("PUT", "/v1/session/create", body).body()).get("ID").asText();
  }

  HttpResponse<String> send(String method, String pathAndQuery, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(10));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code PUT /v1/kv/<key>?<query>}; returns Consul's true/false. */
  boolean put(String key, String query, String value) throws Exception {
    HttpResponse<String> r =
        send("PUT", "/v1/kv/" + key + (query.isEmpty() ? "" : "?" + query), value);
    if (r.statusCode() != 200) {
      throw new IOException("PUT " + key + " -> " + r.statusCode() + " " + r.body());
    }
    return Boolean.parseBoolean(r.body().trim());
  }

  /** The JSON array {@code GET /v1/kv/<key>?recurse} returns, or null on 404. */
  JsonNode list(String prefix) throws Exception {
    HttpResponse<String> r = send("GET", "/v1/kv/" + prefix + "?recurse", null);
    return r.statusCode() == 404 ? null : JSON.readTree(r.body());
  }

  /** The session as {@code GET /v1/session/info/<id>} shows it, or null. */
  JsonNode session(String id) throws Exception {
    JsonNode a = JSON.readTree(send("GET", "/v1/session/info/" + id, null).body());
    return a.isEmpty() ? null : a.get(0);
  }

  /**
   * Writes {@code key = value} with a TTL exactly as Go's libkv {@code Put} does for rpcx: a new
   * session (behavior delete, TTL/2, lock delay 1 ms), a lock taken with an empty value and the
   * lock flags, a renewal, then a plain put of the value with the lock flags. Returns the
   * session.
   */
  String goLibkvPutWithTtl(String key, String value, String sessionTtl) throws Exception {
    String session = createSession(sessionTtl);
    if (!put(key, "acquire=" + session + "&flags=" + LOCK_FLAGS, "")) {
      throw new IOException("lock on " + key + " not acquired");
    }
    send("PUT", "/v1/session/renew/" + session, null);
    put(key, "flags=" + LOCK_FLAGS, value);
    return session;
  }

  /** Go's libkv {@code Put} without TTL (rpcx's directory keys): a plain put with lock flags. */
  void goLibkvPut(String key, String value) throws Exception {
    put(key, "flags=" + LOCK_FLAGS, value);
  }
}
