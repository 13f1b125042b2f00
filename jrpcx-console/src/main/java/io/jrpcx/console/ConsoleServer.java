package io.jrpcx.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jrpcx.client.discovery.KVPair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP side, on the JDK's HTTP server (no dependency, and a streamed response is
 * all server-sent events need): the page's files from the jar, and the JSON API.
 *
 * <pre>
 * GET  /                 the page          GET  /api/services   the registry reading
 * GET  /login            the login form    GET  /api/events     the readings as server-sent events
 *                                          GET  /api/traffic    probe latency and published rates
 * POST /login            token=...         POST /api/steer      {service,node,active?,weight?}
 *                                          POST /api/call       {service,method,args,codec,timeoutMs,node?}
 * </pre>
 */
final class ConsoleServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);
  static final String COOKIE = "jrpcx_console";
  private static final int MAX_BODY = 1 << 20;
  private static final long DRAIN = 16L << 20;

  /** Event streams each hold a thread of the server's pool: at most this many at once. */
  static final int MAX_EVENT_STREAMS = 32;

  private static final int THREADS = MAX_EVENT_STREAMS + 16;
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
  private static final long KEEPALIVE_MS = 15_000;
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml");

  private final HttpServer http;
  private final ExecutorService pool;
  private final RegistryStore store;

  /** The store when its nodes can be steered, else null (then steeringRefused says why). */
  private final WritableStore writable;

  private final RegistryView view;
  private final Traffic traffic;
  private final String registry;
  private final String basePath;
  private final byte[] token;
  private final String steeringRefused;
  private final AtomicInteger streams = new AtomicInteger();
  private volatile boolean closed;

  private ConsoleServer(
      HttpServer http,
      RegistryStore store,
      String registry,
      String basePath,
      String token,
      Duration refresh,
      Duration probe) {
    this.http = http;
    this.store = store;
    this.writable = store instanceof WritableStore w ? w : null;
    this.registry = registry;
    this.basePath = basePath;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.view = new RegistryView(store, refresh);
    this.traffic = new Traffic(view, probe);
    InetSocketAddress bound = http.getAddress();
    this.steeringRefused =
        writable == null
            ? store.readOnly()
            : token == null && !bound.getAddress().isLoopbackAddress()
                ? "steering needs an access token when the console listens beyond loopback ("
                    + bound.getAddress().getHostAddress()
                    + "): start it with a token"
                : null;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(256),
            r -> {
              Thread t = new Thread(r, "jrpcx-console-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  static ConsoleServer start(
      InetSocketAddress address,
      RegistryStore store,
      String registry,
      String basePath,
      String token,
      Duration refresh,
      Duration probe)
      throws IOException {
    HttpServer http = HttpServer.create(address, 64);
    ConsoleServer s = new ConsoleServer(http, store, registry, basePath, token, refresh, probe);
    http.setExecutor(s.pool);
    http.createContext("/", s::handle);
    s.view.start();
    s.traffic.start();
    http.start();
    return s;
  }

  InetSocketAddress address() {
    return http.getAddress();
  }

  private void handle(HttpExchange ex) {
    // Closed after a failure is answered, not before it (as try-with-resources would).
    try {
      route(ex);
    } catch (Refused e) {
      try {
        json(ex, e.status, error(e.getMessage()));
      } catch (IOException ignored) {
        // the page went away
      }
    } catch (IOException e) {
      log.debug("answering {} failed", ex.getRequestURI(), e);
    } catch (RuntimeException e) {
      log.warn("answering {} failed", ex.getRequestURI(), e);
      try {
        json(ex, 500, error(String.valueOf(e.getMessage())));
      } catch (IOException | RuntimeException ignored) {
        // the response had begun
      }
    } finally {
      ex.close();
    }
  }

  private void route(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String method = ex.getRequestMethod();
    if (path.equals("/login")) {
      if (method.equals("POST")) {
        login(ex);
      } else {
        asset(ex, "login.html");
      }
      return;
    }
    if (path.equals("/console.css")) {
      asset(ex, "console.css");
      return;
    }
    if (!authorized(ex)) {
      if (path.startsWith("/api/")) {
        json(ex, 401, error("this console needs its access token"));
      } else {
        ex.getResponseHeaders().set("Location", "/login");
        send(
            ex,
            303,
            "text/plain; charset=utf-8",
            "log in at /login\n".getBytes(StandardCharsets.UTF_8));
      }
      return;
    }
    switch (method + " " + path) {
      case "GET /", "GET /index.html" -> asset(ex, "index.html");
      case "GET /console.js" -> asset(ex, "console.js");
      case "GET /api/services" -> json(ex, 200, snapshot(view.current()));
      case "GET /api/events" -> events(ex);
      case "GET /api/traffic" -> json(ex, 200, traffic.json());
      case "POST /api/steer" -> steer(ex);
      case "POST /api/call" -> call(ex);
      default -> json(ex, 404, error("no " + method + " " + path));
    }
  }

  // ---- access

  private boolean authorized(HttpExchange ex) {
    if (token == null) {
      return true;
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth != null && auth.startsWith("Bearer ") && matches(auth.substring(7).trim())) {
      return true;
    }
    List<String> cookies = ex.getRequestHeaders().get("Cookie");
    if (cookies != null) {
      for (String header : cookies) {
        for (String c : header.split(";")) {
          String kv = c.trim();
          if (kv.startsWith(COOKIE + "=")) {
            String value = decode(kv.substring(COOKIE.length() + 1));
            if (value != null && matches(value)) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  /** A form or cookie value, or null when it is not well-formed. */
  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Compares in constant time, so the answer's timing tells nothing about the token. */
  private boolean matches(String given) {
    return MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
  }

  private void login(HttpExchange ex) throws IOException {
    String form = new String(body(ex), StandardCharsets.UTF_8);
    String given = null;
    for (String pair : form.split("&")) {
      if (pair.startsWith("token=")) {
        given = decode(pair.substring(6));
      }
    }
    if (token == null || (given != null && matches(given))) {
      if (token != null) {
        // HttpOnly: page scripts never see it; SameSite=Strict: other sites cannot use it.
        ex.getResponseHeaders()
            .add(
                "Set-Cookie",
                COOKIE
                    + "="
                    + java.net.URLEncoder.encode(given, StandardCharsets.UTF_8)
                    + "; Path=/; HttpOnly; SameSite=Strict");
      }
      ex.getResponseHeaders().set("Location", "/");
      send(ex, 303, "text/plain; charset=utf-8", "logged in\n".getBytes(StandardCharsets.UTF_8));
    } else {
      ex.getResponseHeaders().set("Location", "/login?wrong");
      send(ex, 303, "text/plain; charset=utf-8", "wrong token\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  // ---- registry

  private ObjectNode snapshot(RegistryView.Snapshot s) {
    return Views.snapshot(s, registry, basePath, steeringRefused);
  }

  private void events(HttpExchange ex) throws IOException {
    if (streams.incrementAndGet() > MAX_EVENT_STREAMS) {
      streams.decrementAndGet();
      json(ex, 503, error("too many open pages: at most " + MAX_EVENT_STREAMS));
      return;
    }
    AtomicReference<RegistryView.Snapshot> latest = new AtomicReference<>(view.current());
    Semaphore changed = new Semaphore(1);
    java.util.function.Consumer<RegistryView.Snapshot> listener =
        s -> {
          latest.set(s);
          changed.release();
        };
    view.addListener(listener);
    try {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      long sent = -1;
      while (!closed) {
        if (changed.tryAcquire(KEEPALIVE_MS, TimeUnit.MILLISECONDS)) {
          changed.drainPermits();
          RegistryView.Snapshot s = latest.get();
          if (s.version() != sent && !closed) {
            // Only the newest reading matters: a slow page skips the ones in between.
            out.write(
                ("event: registry\ndata: " + snapshot(s) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            sent = s.version();
          }
        } else {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8)); // finds closed pages
        }
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      view.removeListener(listener);
      streams.decrementAndGet();
    }
  }

  private void steer(HttpExchange ex) throws IOException {
    if (!jsonRequest(ex)) {
      return;
    }
    if (steeringRefused != null) {
      json(ex, 403, error(steeringRefused));
      return;
    }
    JsonNode req = readJson(ex);
    String service = req.path("service").asText("");
    String node = req.path("node").asText("");
    if (service.isEmpty() || node.isEmpty()) {
      json(ex, 400, error("service and node are required"));
      return;
    }
    UnaryOperator<String> edit;
    String wanted;
    try {
      if (req.hasNonNull("active")) {
        boolean active = req.get("active").asBoolean();
        edit = m -> Steering.withState(m, active);
        wanted = active ? "active" : "inactive";
      } else if (req.hasNonNull("weight")) {
        if (!req.get("weight").canConvertToInt() || !req.get("weight").isIntegralNumber()) {
          throw new IllegalArgumentException("weight must be a whole number");
        }
        int weight = req.get("weight").asInt();
        Steering.withWeight("", weight); // validates before anything is read
        edit = m -> Steering.withWeight(m, weight);
        wanted = "weight " + weight;
      } else {
        json(ex, 400, error("give active (true or false) or weight"));
        return;
      }
    } catch (IllegalArgumentException e) {
      json(ex, 400, error(e.getMessage()));
      return;
    }
    String written;
    try {
      written = writable.update(service, node, edit);
    } catch (NoSuchElementException e) {
      json(ex, 404, error(e.getMessage()));
      return;
    } catch (IllegalArgumentException | ConcurrentModificationException e) {
      json(ex, 409, error(e.getMessage()));
      return;
    } catch (Exception e) {
      json(ex, 502, error("writing to " + store.describe() + " failed: " + e.getMessage()));
      return;
    }
    log.info("{} of {} set to {}: {}", node, service, wanted, written);
    // Confirmed once a reading of the registry shows the change (the plugin may have added its
    // rates since: the key that was set is what must match).
    KVPair target = new KVPair(node, written);
    String key = req.hasNonNull("active") ? "state" : "weight";
    view.refresh();
    RegistryView.Snapshot seen;
    try {
      seen =
          view.when(
                  s -> {
                    SortedMap<String, String> nodes = s.services().get(service);
                    String m = nodes == null ? null : nodes.get(node);
                    return m != null
                        && java.util.Objects.equals(
                            new KVPair(node, m).metadata(key), target.metadata(key));
                  })
              .get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      json(
          ex,
          504,
          error(
              "written ("
                  + written
                  + "), but the registry did not show it within "
                  + CONFIRM_TIMEOUT.toSeconds()
                  + " s"));
      return;
    } catch (Exception e) {
      json(ex, 500, error(String.valueOf(e.getMessage())));
      return;
    }
    ObjectNode ok = Views.JSON.createObjectNode();
    ok.put("confirmed", true);
    ok.put("service", service);
    ok.put("metadata", seen.services().get(service).get(node));
    ok.put("version", seen.version());
    json(ex, 200, ok);
  }

  private void call(HttpExchange ex) throws IOException {
    if (!jsonRequest(ex)) {
      return;
    }
    JsonNode req = readJson(ex);
    ObjectNode result;
    try {
      result = TryCall.run(req, view.current().services());
    } catch (TryCall.BadRequest e) {
      json(ex, 400, error(e.getMessage()));
      return;
    }
    json(ex, 200, result);
  }

  // ---- plumbing

  /**
   * State-changing requests must be JSON: a page on another site cannot send that without the
   * browser asking first (CORS), which this console never allows.
   */
  private static boolean jsonRequest(HttpExchange ex) throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      json(ex, 415, error("send application/json"));
      return false;
    }
    return true;
  }

  /** A request answered with {@code status} and the message, before anything was done. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private static byte[] body(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        drain(in); // else the JDK's server drops the connection before the answer is out
        throw new Refused(413, "request body over " + MAX_BODY + " bytes");
      }
      return b;
    }
  }

  /** Reads and drops what {@code in} still holds, up to a limit. */
  private static void drain(InputStream in) throws IOException {
    byte[] skip = new byte[8192];
    long left = DRAIN;
    for (int n; left > 0 && (n = in.read(skip, 0, (int) Math.min(skip.length, left))) > 0; ) {
      left -= n;
    }
  }

  private static JsonNode readJson(HttpExchange ex) throws IOException {
    try {
      JsonNode node = Views.JSON.readTree(body(ex));
      if (node == null || !node.isObject()) {
        throw new Refused(400, "send a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new Refused(400, "the request is not JSON: " + e.getOriginalMessage());
    }
  }

  private static ObjectNode error(String message) {
    ObjectNode o = Views.JSON.createObjectNode();
    o.put("error", message);
    return o;
  }

  private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
    send(ex, status, "application/json", Views.JSON.writeValueAsBytes(body));
  }

  private static void asset(HttpExchange ex, String name) throws IOException {
    try (InputStream in = ConsoleServer.class.getResourceAsStream("web/" + name)) {
      if (in == null) {
        send(ex, 404, "text/plain; charset=utf-8", ("no " + name).getBytes(StandardCharsets.UTF_8));
        return;
      }
      String ext = name.substring(name.lastIndexOf('.') + 1);
      send(ex, 200, TYPES.getOrDefault(ext, "application/octet-stream"), in.readAllBytes());
    }
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    // What the request still holds is read first (up to a limit): answered before it was read, a
    // client still sending, or the next request on its connection, would see a reset instead.
    try (InputStream in = ex.getRequestBody()) {
      drain(in);
    } catch (IOException e) {
      // read and closed already
    }
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.getResponseHeaders().set("X-Frame-Options", "DENY");
    // Everything comes from this jar: no other origin, no inline script.
    ex.getResponseHeaders()
        .set(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    traffic.close();
    view.close();
    http.stop(0);
    pool.shutdownNow();
    store.close();
  }
}
