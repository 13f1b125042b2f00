package io.jrpcx.registry.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for a Consul agent, for tests only: no Consul binary can be installed on the build
 * machines. It serves, on a loopback port, the parts of Consul's HTTP API that rpcx's layout uses,
 * as Consul documents them:
 *
 * <ul>
 *   <li>{@code GET /v1/kv/<key>} with {@code recurse}, and blocking queries ({@code index},
 *       {@code wait}; default wait 5 min, at most 10 min, no jitter). {@code X-Consul-Index} is, as
 *       in Consul, the highest modify index of the matching keys and of the deleted ones
 *       (tombstones) under the prefix, or the whole KV table's index when there are none. Values
 *       come base64-encoded, {@code null} when empty; no match is a 404.
 *   <li>{@code PUT /v1/kv/<key>} with {@code flags}, {@code cas}, {@code acquire} and
 *       {@code release}; a write without acquire/release keeps the lock holder; answers
 *       {@code true}/{@code false}; an unknown session is a 500.
 *   <li>{@code DELETE /v1/kv/<key>} with {@code recurse} and {@code cas}.
 *   <li>{@code PUT /v1/session/create} (JSON {@code Name}, {@code Behavior}, {@code TTL},
 *       {@code LockDelay}), {@code PUT /v1/session/renew/<id>} (404 when unknown),
 *       {@code PUT /v1/session/destroy/<id>}, {@code GET /v1/session/info/<id>} and
 *       {@code /v1/session/list}. A session whose TTL passes unrenewed is invalidated after twice
 *       its TTL, as Consul does, and its keys are deleted ({@code delete}) or released
 *       ({@code release}). Lock delay is recorded but not enforced.
 * </ul>
 *
 * TTLs outside Consul's 10 s to 86 400 s are rejected with a 400, as Consul does, unless a test
 * lowers the floor explicitly with {@link Options#minSessionTtl}. No ACLs, datacenters, health
 * checks or consistency modes. State lives in memory: {@link #close()} and a new stand-in on the
 * same port is a Consul dev agent restart.
 */
public final class ConsulStandIn implements AutoCloseable {
  static final Duration CONSUL_MIN_TTL = Duration.ofSeconds(10);
  static final Duration CONSUL_MAX_TTL = Duration.ofSeconds(86_400);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Stand-in settings. */
  static final class Options {
    private int port;
    private Duration minSessionTtl = CONSUL_MIN_TTL;

    /** The loopback port to listen on; 0 (the default) picks a free one. */
    Options port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Accepts session TTLs down to {@code floor} instead of Consul's 10 s, so that expiry can be
     * tested in a few seconds. A real Consul rejects such TTLs.
     */
    Options minSessionTtl(Duration floor) {
      this.minSessionTtl = floor;
      return this;
    }
  }

  /** A KV entry as stored. */
  record Kv(
      String key,
      byte[] value,
      long flags,
      String session,
      long lockIndex,
      long createIndex,
      long modifyIndex) {
    String text() {
      return new String(value, StandardCharsets.UTF_8);
    }
  }

  /** A session as stored. */
  record Session(
      String id,
      String name,
      String behavior,
      Duration ttl,
      Duration lockDelay,
      long createIndex) {}

  private final Options options;
  private final HttpServer server;
  private final ExecutorService handlers;
  private final ScheduledExecutorService timers;
  private final Object lock = new Object();

  // All guarded by lock.
  private final TreeMap<String, Kv> kvs = new TreeMap<>();
  private final Map<String, Long> tombstones = new HashMap<>();
  private final Map<String, Session> sessions = new LinkedHashMap<>();
  private final Map<String, ScheduledFuture<?>> expiries = new HashMap<>();
  private long raftIndex = 1;
  private long kvsIndex;
  private long renewals;
  private long listQueries;
  private boolean stopped;

  private ConsulStandIn(Options options) throws IOException {
    this.options = options;
    this.handlers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "consul-stand-in-http");
              t.setDaemon(true);
              return t;
            });
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "consul-stand-in-ttl");
              t.setDaemon(true);
              return t;
            });
    this.server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port), 50);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  public static ConsulStandIn start() throws IOException {
    return new ConsulStandIn(new Options());
  }

  static ConsulStandIn start(Options options) throws IOException {
    return new ConsulStandIn(options);
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** {@code 127.0.0.1:port}, as the plugin and discovery take it. */
  public String address() {
    return "127.0.0.1:" + port();
  }

  Options options() {
    return options;
  }

  /** The entry at {@code key}, or null. */
  Kv kv(String key) {
    synchronized (lock) {
      return kvs.get(key);
    }
  }

  /** Every key, sorted. */
  List<String> keys() {
    synchronized (lock) {
      return new ArrayList<>(kvs.keySet());
    }
  }

  /** The live session {@code id}, or null. */
  Session session(String id) {
    synchronized (lock) {
      return sessions.get(id);
    }
  }

  int sessionCount() {
    synchronized (lock) {
      return sessions.size();
    }
  }

  /** How many recursive KV reads were answered. */
  long listQueries() {
    synchronized (lock) {
      return listQueries;
    }
  }

  long renewals() {
    synchronized (lock) {
      return renewals;
    }
  }

  /** Stops answering; blocked queries return at once, open connections are closed. */
  @Override
  public void close() {
    synchronized (lock) {
      if (stopped) {
        return;
      }
      stopped = true;
      lock.notifyAll();
    }
    server.stop(0);
    timers.shutdownNow();
    handlers.shutdownNow();
  }

  // ---------------------------------------------------------------- HTTP

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      Map<String, String> query = query(ex.getRequestURI().getRawQuery());
      String method = ex.getRequestMethod();
      if (path.startsWith("/v1/kv/")) {
        String key = path.substring("/v1/kv/".length());
        switch (method) {
          case "GET" -> kvGet(ex, key, query);
          case "PUT" -> kvPut(ex, key, query, ex.getRequestBody().readAllBytes());
          case "DELETE" -> kvDelete(ex, key, query);
          default -> send(ex, 405, "method not allowed");
        }
      } else if (path.equals("/v1/session/create") && method.equals("PUT")) {
        sessionCreate(ex, ex.getRequestBody().readAllBytes());
      } else if (path.startsWith("/v1/session/renew/") && method.equals("PUT")) {
        sessionRenew(ex, path.substring("/v1/session/renew/".length()));
      } else if (path.startsWith("/v1/session/destroy/") && method.equals("PUT")) {
        sessionDestroy(ex, path.substring("/v1/session/destroy/".length()));
      } else if (path.startsWith("/v1/session/info/") && method.equals("GET")) {
        sessionInfo(ex, path.substring("/v1/session/info/".length()));
      } else if (path.equals("/v1/session/list") && method.equals("GET")) {
        sessionList(ex);
      } else {
        send(ex, 404, "no such endpoint " + method + " " + path);
      }
    } catch (BadRequest e) {
      send(ex, e.status, e.getMessage());
    } catch (RuntimeException e) {
      send(ex, 500, String.valueOf(e));
    }
  }

  private void kvGet(HttpExchange ex, String key, Map<String, String> q) throws IOException {
    boolean recurse = q.containsKey("recurse");
    long minIndex = q.containsKey("index") ? parseLong(q.get("index"), "index") : 0;
    Duration wait = q.containsKey("wait") ? goDuration(q.get("wait")) : Duration.ofMinutes(5);
    if (wait.compareTo(Duration.ofMinutes(10)) > 0) {
      wait = Duration.ofMinutes(10);
    }
    List<Kv> found = new ArrayList<>();
    long index;
    synchronized (lock) {
      long deadline = System.nanoTime() + wait.toNanos();
      index = kvIndex(key, recurse);
      // A blocking query: wait until the index moves past the caller's, or the wait is over.
      while (minIndex > 0 && index <= minIndex && !stopped) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        index = kvIndex(key, recurse);
      }
      if (stopped) {
        return; // the connection is closed with the server
      }
      if (recurse) {
        listQueries++;
        for (Kv kv : kvs.tailMap(key, true).values()) {
          if (!kv.key().startsWith(key)) {
            break;
          }
          found.add(kv);
        }
      } else if (kvs.containsKey(key)) {
        found.add(kvs.get(key));
      }
    }
    ex.getResponseHeaders().set("X-Consul-Index", Long.toString(index));
    ex.getResponseHeaders().set("X-Consul-Knownleader", "true");
    ex.getResponseHeaders().set("X-Consul-Lastcontact", "0");
    if (found.isEmpty()) {
      send(ex, 404, "");
      return;
    }
    ArrayNode out = JSON.createArrayNode();
    for (Kv kv : found) {
      ObjectNode n = out.addObject();
      n.put("LockIndex", kv.lockIndex());
      n.put("Key", kv.key());
      n.put("Flags", new java.math.BigInteger(Long.toUnsignedString(kv.flags())));
      if (kv.value().length == 0) {
        n.putNull("Value");
      } else {
        n.put("Value", Base64.getEncoder().encodeToString(kv.value()));
      }
      if (!kv.session().isEmpty()) {
        n.put("Session", kv.session());
      }
      n.put("CreateIndex", kv.createIndex());
      n.put("ModifyIndex", kv.modifyIndex());
    }
    sendJson(ex, 200, out);
  }

  /** Consul's index for a KV read: the prefix's own index, else the KV table's. */
  private long kvIndex(String key, boolean recurse) {
    long idx = 0;
    if (recurse) {
      for (Kv kv : kvs.tailMap(key, true).values()) {
        if (!kv.key().startsWith(key)) {
          break;
        }
        idx = Math.max(idx, kv.modifyIndex());
      }
      for (Map.Entry<String, Long> t : tombstones.entrySet()) {
        if (t.getKey().startsWith(key)) {
          idx = Math.max(idx, t.getValue());
        }
      }
    } else {
      Kv kv = kvs.get(key);
      idx = Math.max(kv == null ? 0 : kv.modifyIndex(), tombstones.getOrDefault(key, 0L));
    }
    return idx > 0 ? idx : Math.max(1, kvsIndex);
  }

  private void kvPut(HttpExchange ex, String key, Map<String, String> q, byte[] body)
      throws IOException {
    long flags = q.containsKey("flags") ? parseUnsigned(q.get("flags"), "flags") : 0;
    boolean ok;
    synchronized (lock) {
      Kv existing = kvs.get(key);
      if (q.containsKey("cas")) {
        long cas = parseLong(q.get("cas"), "cas");
        if ((cas == 0 && existing != null)
            || (cas != 0 && (existing == null || existing.modifyIndex() != cas))) {
          send(ex, 200, "false");
          return;
        }
      }
      String session = existing == null ? "" : existing.session();
      long lockIndex = existing == null ? 0 : existing.lockIndex();
      if (q.containsKey("acquire")) {
        String id = q.get("acquire");
        if (!sessions.containsKey(id)) {
          throw new BadRequest(500, "invalid session \"" + id + "\"");
        }
        if (!session.isEmpty() && !session.equals(id)) {
          ok = false;
        } else {
          if (!session.equals(id)) {
            lockIndex++;
          }
          session = id;
          ok = true;
        }
      } else if (q.containsKey("release")) {
        String id = q.get("release");
        if (!sessions.containsKey(id)) {
          throw new BadRequest(500, "invalid session \"" + id + "\"");
        }
        if (existing == null || !id.equals(session)) {
          ok = false;
        } else {
          session = "";
          ok = true;
        }
      } else {
        ok = true;
      }
      if (ok) {
        long idx = ++raftIndex;
        kvs.put(
            key,
            new Kv(
                key,
                body,
                flags,
                session,
                lockIndex,
                existing == null ? idx : existing.createIndex(),
                idx));
        kvsIndex = idx;
        lock.notifyAll();
      }
    }
    send(ex, 200, Boolean.toString(ok));
  }

  private void kvDelete(HttpExchange ex, String key, Map<String, String> q) throws IOException {
    synchronized (lock) {
      List<String> doomed = new ArrayList<>();
      if (q.containsKey("recurse")) {
        for (String k : kvs.tailMap(key, true).keySet()) {
          if (!k.startsWith(key)) {
            break;
          }
          doomed.add(k);
        }
      } else if (kvs.containsKey(key)) {
        if (q.containsKey("cas") && kvs.get(key).modifyIndex() != parseLong(q.get("cas"), "cas")) {
          send(ex, 200, "false");
          return;
        }
        doomed.add(key);
      }
      if (!doomed.isEmpty()) {
        long idx = ++raftIndex;
        for (String k : doomed) {
          deleteLocked(k, idx);
        }
        lock.notifyAll();
      }
    }
    send(ex, 200, "true");
  }

  private void deleteLocked(String key, long idx) {
    kvs.remove(key);
    tombstones.put(key, idx);
    kvsIndex = idx;
  }

  private void sessionCreate(HttpExchange ex, byte[] body) throws IOException {
    JsonNode req = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    String behavior = req.path("Behavior").asText("release");
    if (!behavior.equals("release") && !behavior.equals("delete")) {
      throw new BadRequest(400, "Invalid Behavior setting '" + behavior + "'");
    }
    Duration ttl = Duration.ZERO;
    String ttlText = req.path("TTL").asText("");
    if (!ttlText.isEmpty()) {
      ttl = goDuration(ttlText);
      if (!ttl.isZero()
          && (ttl.compareTo(options.minSessionTtl) < 0 || ttl.compareTo(CONSUL_MAX_TTL) > 0)) {
        throw new BadRequest(
            400,
            "Invalid Session TTL '"
                + ttlText
                + "', must be between ["
                + goDurationText(options.minSessionTtl)
                + "=24h0m0s]");
      }
    }
    JsonNode ld = req.get("LockDelay");
    Duration lockDelay = Duration.ofSeconds(15);
    if (ld != null && ld.isTextual()) {
      lockDelay = goDuration(ld.asText());
    } else if (ld != null && ld.isNumber()) {
      // Consul reads small numbers as seconds and large ones as nanoseconds.
      lockDelay =
          ld.asLong() < 1000 ? Duration.ofSeconds(ld.asLong()) : Duration.ofNanos(ld.asLong());
    }
    String id = UUID.randomUUID().toString();
    synchronized (lock) {
      long idx = ++raftIndex;
      sessions.put(id, new Session(id, req.path("Name").asText(""), behavior, ttl, lockDelay, idx));
      scheduleExpiryLocked(id, ttl);
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("ID", id);
    sendJson(ex, 200, out);
  }

  private void scheduleExpiryLocked(String id, Duration ttl) {
    ScheduledFuture<?> old = expiries.remove(id);
    if (old != null) {
      old.cancel(false);
    }
    if (!ttl.isZero() && !stopped) {
      // Consul invalidates a TTL session only after twice its TTL (its SessionTTLMultiplier).
      expiries.put(
          id, timers.schedule(() -> invalidate(id), ttl.toNanos() * 2, TimeUnit.NANOSECONDS));
    }
  }

  private void sessionRenew(HttpExchange ex, String id) throws IOException {
    Session s;
    synchronized (lock) {
      s = sessions.get(id);
      if (s != null) {
        renewals++;
        scheduleExpiryLocked(id, s.ttl());
      }
    }
    if (s == null) {
      send(ex, 404, "Session id '" + id + "' not found");
      return;
    }
    ArrayNode out = JSON.createArrayNode();
    out.add(sessionJson(s));
    sendJson(ex, 200, out);
  }

  private void sessionDestroy(HttpExchange ex, String id) throws IOException {
    invalidate(id);
    send(ex, 200, "true");
  }

  private void sessionInfo(HttpExchange ex, String id) throws IOException {
    ArrayNode out = JSON.createArrayNode();
    Session s = session(id);
    if (s != null) {
      out.add(sessionJson(s));
    }
    sendJson(ex, 200, out);
  }

  private void sessionList(HttpExchange ex) throws IOException {
    ArrayNode out = JSON.createArrayNode();
    synchronized (lock) {
      for (Session s : sessions.values()) {
        out.add(sessionJson(s));
      }
    }
    sendJson(ex, 200, out);
  }

  private static ObjectNode sessionJson(Session s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("ID", s.id());
    n.put("Name", s.name());
    n.put("Node", "consul-stand-in");
    n.put("LockDelay", s.lockDelay().toNanos());
    n.put("Behavior", s.behavior());
    n.put("TTL", s.ttl().isZero() ? "" : goDurationText(s.ttl()));
    n.put("CreateIndex", s.createIndex());
    n.put("ModifyIndex", s.createIndex());
    return n;
  }

  /** Destroys a session: its keys are deleted or released, per its behavior, in one index. */
  private void invalidate(String id) {
    synchronized (lock) {
      Session s = sessions.remove(id);
      ScheduledFuture<?> f = expiries.remove(id);
      if (f != null) {
        f.cancel(false);
      }
      if (s == null) {
        return;
      }
      long idx = ++raftIndex;
      for (Kv kv : new ArrayList<>(kvs.values())) {
        if (!kv.session().equals(id)) {
          continue;
        }
        if (s.behavior().equals("delete")) {
          deleteLocked(kv.key(), idx);
        } else {
          kvs.put(
              kv.key(),
              new Kv(kv.key(), kv.value(), kv.flags(), "", kv.lockIndex(), kv.createIndex(), idx));
          kvsIndex = idx;
        }
      }
      lock.notifyAll();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    send(ex, status, body.toString());
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  private static long parseLong(String s, String name) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new BadRequest(400, "Invalid " + name + ": " + s);
    }
  }

  private static long parseUnsigned(String s, String name) {
    try {
      return Long.parseUnsignedLong(s);
    } catch (NumberFormatException e) {
      throw new BadRequest(400, "Invalid " + name + ": " + s);
    }
  }

  private static final Pattern DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  /** Go's {@code time.ParseDuration} for the non-negative durations Consul is sent. */
  static Duration goDuration(String s) {
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION_PART.matcher(s);
    double nanos = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      nanos +=
          n
              * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
              };
      end = m.end();
    }
    if (end != s.length() || end == 0) {
      throw new BadRequest(400, "invalid duration \"" + s + "\"");
    }
    return Duration.ofNanos(Math.round(nanos));
  }

  private static String goDurationText(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  private static final class BadRequest extends RuntimeException {
    final int status;

    BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }
}
