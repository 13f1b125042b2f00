package io.jrpcx.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.jrpcx.registry.etcd.EtcdServer;
import io.jrpcx.registry.mdns.MdnsRegisterPlugin;
import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's HTTP API over real HTTP on loopback, against a real etcd (Debian's etcd-server)
 * and real jrpcx servers registered by {@code EtcdRegisterPlugin}.
 */
@Timeout(60)
class ConsoleApiTest {
  @RegisterExtension static final EtcdServer etcd = new EtcdServer();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static int bases;

  private String base;
  private Servers servers;
  private Console console;

  @BeforeEach
  void setUp() {
    base = "/console_api_" + (++bases); // each test its own base path: nothing leaks between them
    servers = new Servers(etcd.endpoint(), base, Duration.ofMinutes(10));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (console != null) {
      console.close();
    }
    servers.close();
  }

  private String registry() {
    return "etcd://" + etcd.endpoint().substring("http://".length());
  }

  private Console start(String token) {
    console =
        Console.builder()
            .registry(registry())
            .basePath(base)
            .listen("127.0.0.1", 0)
            .token(token)
            .start();
    return console;
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + console.address().getPort() + path);
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String json, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode node(JsonNode snapshot, String service, String key) {
    for (JsonNode s : snapshot.path("services")) {
      if (s.path("name").asText().equals(service)) {
        for (JsonNode n : s.path("nodes")) {
          if (n.path("key").asText().equals(key)) {
            return n;
          }
        }
      }
    }
    return null;
  }

  private JsonNode awaitNode(String service, String key) {
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              found[0] = node(JSON.readTree(get("/api/services").body()), service, key);
              return found[0] != null;
            });
    return found[0];
  }

  @Test
  void listsEveryServiceWithItsNodesAndWhatTheirMetadataSays() throws Exception {
    String a =
        servers.start(
            "Arith",
            new ArithService(),
            "weight=10&group=g1&group=g2&latitude=39.9&longitude=116.4");
    String b = servers.start("Arith", new ArithService(), "");
    start(null);

    JsonNode na = awaitNode("Arith", a);
    JsonNode nb = awaitNode("Arith", b);
    assertThat(na.path("network").asText()).isEqualTo("tcp");
    assertThat(na.path("address").asText()).isEqualTo(a.substring(4));
    assertThat(na.path("active").asBoolean()).isTrue();
    assertThat(na.path("weight").asText()).isEqualTo("10");
    assertThat(na.path("groups").toString()).isEqualTo("[\"g1\",\"g2\"]");
    assertThat(na.path("latitude").asText()).isEqualTo("39.9");
    assertThat(na.path("longitude").asText()).isEqualTo("116.4");
    assertThat(nb.path("weight").asText()).isEqualTo("1");
    assertThat(nb.path("weightSet").asBoolean()).isFalse();
    JsonNode snapshot = JSON.readTree(get("/api/services").body());
    assertThat(snapshot.path("registry").asText()).isEqualTo(registry());
    assertThat(snapshot.path("basePath").asText()).isEqualTo(base);
    assertThat(snapshot.path("steeringRefused").isNull()).isTrue();
  }

  @Test
  void thePageAndItsFilesComeFromTheJar() throws Exception {
    start(null);
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("<script src=\"/console.js\"");
    assertThat(get("/console.js").body()).contains("EventSource");
    assertThat(get("/console.css").statusCode()).isEqualTo(200);
    assertThat(get("/nothing").statusCode()).isEqualTo(404);
  }

  @Test
  void eventsPushTheRegistryAsServersRegisterAndUnregister() throws Exception {
    start(null);
    BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    HttpResponse<Stream<String>> stream =
        HTTP.send(
            HttpRequest.newBuilder(uri("/api/events")).build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.headers().firstValue("Content-Type"))
        .hasValue("text/event-stream; charset=utf-8");
    Thread reader =
        new Thread(
            () -> {
              try {
                stream
                    .body()
                    .filter(l -> l.startsWith("data: "))
                    .forEach(
                        l -> {
                          try {
                            events.add(JSON.readTree(l.substring(6)));
                          } catch (IOException e) {
                            throw new UncheckedIOException(e);
                          }
                        });
              } catch (UncheckedIOException e) {
                // the stream was closed at the end of the test
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      JsonNode first = events.poll(10, TimeUnit.SECONDS);
      assertThat(first).as("the current reading, at once").isNotNull();

      String a = servers.start("Arith", new ArithService(), "weight=3");
      assertThat(awaitEvent(events, s -> node(s, "Arith", a) != null)).isTrue();

      servers.server(a).unregister("Arith");
      assertThat(awaitEvent(events, s -> node(s, "Arith", a) == null)).isTrue();
    } finally {
      stream.body().close();
    }
  }

  private static boolean awaitEvent(
      BlockingQueue<JsonNode> events, java.util.function.Predicate<JsonNode> p)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      JsonNode e = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (e != null && p.test(e)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void steeringWritesTheMetadataAsRpcxUiKeepingTheOtherKeysAndTheLease() throws Exception {
    String a = servers.start("Arith", new ArithService(), "weight=10&group=g1&note=two%20words");
    start(null);
    awaitNode("Arith", a);
    ByteSequence key = ByteSequence.from(base + "/Arith/" + a, StandardCharsets.UTF_8);
    try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
      KeyValue before = client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs().get(0);
      assertThat(before.getLease()).isNotZero();

      HttpResponse<String> off =
          post("/api/steer", "{\"service\":\"Arith\",\"node\":\"" + a + "\",\"active\":false}");
      assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
      assertThat(JSON.readTree(off.body()).path("confirmed").asBoolean()).isTrue();
      KeyValue inactive = client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs().get(0);
      // Go's url.Values.Encode: keys sorted, space as '+'
      assertThat(inactive.getValue().toString(StandardCharsets.UTF_8))
          .isEqualTo("group=g1&note=two+words&state=inactive&weight=10");
      assertThat(inactive.getLease()).isEqualTo(before.getLease());
      assertThat(
              node(JSON.readTree(get("/api/services").body()), "Arith", a)
                  .path("active")
                  .asBoolean())
          .isFalse();

      HttpResponse<String> weight =
          post("/api/steer", "{\"service\":\"Arith\",\"node\":\"" + a + "\",\"weight\":7}");
      assertThat(weight.statusCode()).as(weight.body()).isEqualTo(200);
      KeyValue weighted = client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs().get(0);
      assertThat(weighted.getValue().toString(StandardCharsets.UTF_8))
          .isEqualTo("group=g1&note=two+words&state=inactive&weight=7");
      assertThat(weighted.getLease()).isEqualTo(before.getLease());

      HttpResponse<String> on =
          post("/api/steer", "{\"service\":\"Arith\",\"node\":\"" + a + "\",\"active\":true}");
      assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
      assertThat(
              client
                  .getKVClient()
                  .get(key)
                  .get(10, TimeUnit.SECONDS)
                  .getKvs()
                  .get(0)
                  .getValue()
                  .toString(StandardCharsets.UTF_8))
          .isEqualTo("group=g1&note=two+words&state=active&weight=7");
    }
  }

  @Test
  void steeringRefusesWhatItCannotDo() throws Exception {
    String a = servers.start("Arith", new ArithService(), "weight=1");
    start(null);
    awaitNode("Arith", a);
    HttpResponse<String> noNode =
        post("/api/steer", "{\"service\":\"Arith\",\"node\":\"tcp@127.0.0.1:1\",\"active\":false}");
    assertThat(noNode.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(noNode.body()).path("error").asText())
        .startsWith("no node tcp@127.0.0.1:1 of Arith");
    HttpResponse<String> badWeight =
        post("/api/steer", "{\"service\":\"Arith\",\"node\":\"" + a + "\",\"weight\":0}");
    assertThat(badWeight.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badWeight.body()).path("error").asText())
        .isEqualTo("weight must be 1 to 1000000, not 0");
    HttpResponse<String> form =
        HTTP.send(
            HttpRequest.newBuilder(uri("/api/steer"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("service=Arith"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).as("not JSON: another site's form").isEqualTo(415);
    HttpResponse<String> broken = post("/api/steer", "{\"service\":");
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(broken.body()).path("error").asText())
        .startsWith("the request is not JSON");
    HttpResponse<String> huge = post("/api/call", "[" + "1,".repeat(600_000) + "1]");
    assertThat(huge.statusCode()).isEqualTo(413);
  }

  @Test
  void aCallReturnsTheReplyTheNodeAndTheLatencyInEitherCodec() throws Exception {
    String a = servers.start("Arith", new ArithService(), "");
    start(null);
    awaitNode("Arith", a);
    for (String codec : new String[] {"msgpack", "json"}) {
      HttpResponse<String> r =
          post(
              "/api/call",
              "{\"service\":\"Arith\",\"method\":\"Mul\",\"codec\":\""
                  + codec
                  + "\",\"timeoutMs\":5000,\"args\":\"{\\\"A\\\":10,\\\"B\\\":20}\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode reply = JSON.readTree(r.body());
      assertThat(reply.path("ok").asBoolean()).as(r.body()).isTrue();
      assertThat(reply.path("reply").toString()).isEqualTo("{\"C\":200}");
      assertThat(reply.path("node").asText()).isEqualTo(a);
      assertThat(reply.path("latencyMs").asDouble()).isPositive();
    }
    HttpResponse<String> missing =
        post("/api/call", "{\"service\":\"Arith\",\"method\":\"Nope\",\"node\":\"" + a + "\"}");
    JsonNode failed = JSON.readTree(missing.body());
    assertThat(failed.path("ok").asBoolean()).isFalse();
    assertThat(failed.path("error").asText()).isEqualTo("rpcx: can't find method Nope");
    HttpResponse<String> badJson =
        post("/api/call", "{\"service\":\"Arith\",\"method\":\"Mul\",\"args\":\"{A:1\"}");
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badJson.body()).path("error").asText())
        .startsWith("the arguments are not JSON");
  }

  @Test
  void trafficShowsProbeLatencyAndThePublishedRatesPerNode() throws Exception {
    try (Servers publishing = new Servers(etcd.endpoint(), base, Duration.ofSeconds(1))) {
      String a = publishing.start("Arith", new ArithService(), "");
      console =
          Console.builder()
              .registry(registry())
              .basePath(base)
              .listen("127.0.0.1", 0)
              .probeInterval(Duration.ofMillis(100))
              .start();
      awaitNode("Arith", a);
      JsonNode[] points = new JsonNode[1];
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                JsonNode t = JSON.readTree(get("/api/traffic").body());
                points[0] = t.path("nodes").path(a).path("points");
                boolean probed = false;
                boolean rates = false;
                for (JsonNode p : points[0]) {
                  probed |= p.path("probes").asInt() > 0 && p.path("p50Ms").asDouble() > 0;
                  rates |= p.has("calls") && p.has("connections");
                }
                return probed && rates;
              });
      for (JsonNode p : points[0]) {
        if (p.path("probes").asInt() > 0) {
          assertThat(p.path("p99Ms").asDouble()).isGreaterThanOrEqualTo(p.path("p50Ms").asDouble());
        }
      }
      JsonNode t = JSON.readTree(get("/api/traffic").body());
      assertThat(t.path("windowSeconds").asInt()).isEqualTo(300);
      assertThat(t.path("bucketSeconds").asInt()).isEqualTo(15);
      assertThat(t.path("nodes").path(a).path("error").isNull()).isTrue();
      console.close();
      console = null;
    }
  }

  @Test
  void aTokenProtectsEveryPageAndApi() throws Exception {
    start("s3cret");
    assertThat(get("/api/services").statusCode()).isEqualTo(401);
    assertThat(get("/api/events").statusCode()).isEqualTo(401);
    assertThat(post("/api/call", "{}").statusCode()).isEqualTo(401);
    assertThat(get("/api/services", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
    assertThat(get("/api/services", "Authorization", "Bearer s3cret").statusCode()).isEqualTo(200);
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location")).hasValue("/login");
    assertThat(get("/login").body()).contains("name=\"token\"");

    HttpResponse<String> wrong = login("nope");
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
    HttpResponse<String> right = login("s3cret");
    String cookie = right.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
    String pair = cookie.substring(0, cookie.indexOf(';'));
    assertThat(get("/", "Cookie", pair).statusCode()).isEqualTo(200);
    assertThat(get("/api/services", "Cookie", pair).statusCode()).isEqualTo(200);
    assertThat(get("/api/services", "Cookie", "jrpcx_console=nope").statusCode()).isEqualTo(401);
    assertThat(get("/api/services", "Cookie", "jrpcx_console=%zz").statusCode()).isEqualTo(401);
  }

  private HttpResponse<String> login(String token) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri("/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("token=" + token))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void beyondLoopbackWithoutATokenEverythingShowsButSteeringIsRefused() throws Exception {
    String a = servers.start("Arith", new ArithService(), "weight=1");
    // The wildcard address is beyond loopback; the test still talks to it over 127.0.0.1.
    console = Console.builder().registry(registry()).basePath(base).listen("0.0.0.0", 0).start();
    awaitNode("Arith", a);
    JsonNode snapshot = JSON.readTree(get("/api/services").body());
    assertThat(snapshot.path("steeringRefused").asText())
        .startsWith("steering needs an access token when the console listens beyond loopback");
    HttpResponse<String> r =
        post("/api/steer", "{\"service\":\"Arith\",\"node\":\"" + a + "\",\"active\":false}");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(
            node(JSON.readTree(get("/api/services").body()), "Arith", a).path("active").asBoolean())
        .isTrue();
  }

  @Test
  void mdnsIsShownReadOnlyAndSteeringItIsRefused() throws Exception {
    MdnsRegisterPlugin plugin =
        MdnsRegisterPlugin.builder()
            .instanceName("console-" + base.substring(1))
            .hostName("console-" + base.substring(1))
            .bindAddress(InetAddress.getByName("127.0.0.1"))
            .updateInterval(Duration.ZERO)
            .build();
    Server server = Server.builder().plugin(plugin).build();
    try {
      String service = "Mdns" + base.substring(base.lastIndexOf('_') + 1);
      server.register(service, new ArithService(), "weight=3");
      server.start("tcp", "127.0.0.1:0");
      String node = "tcp@" + server.address();
      console = Console.builder().registry("mdns://127.0.0.1").listen("127.0.0.1", 0).start();

      assertThat(awaitNode(service, node).path("weight").asInt()).isEqualTo(3);
      JsonNode snapshot = JSON.readTree(get("/api/services").body());
      assertThat(snapshot.path("steeringRefused").asText())
          .isEqualTo(
              "mDNS entries are announced by the servers themselves: they can be seen here, not"
                  + " steered");
      HttpResponse<String> r =
          post(
              "/api/steer",
              "{\"service\":\"" + service + "\",\"node\":\"" + node + "\",\"active\":false}");
      assertThat(r.statusCode()).isEqualTo(403);
    } finally {
      server.close();
      plugin.close();
    }
  }

  @Test
  void startRefusesRegistriesItDoesNotKnow() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Console.builder()
                    .registry("eureka://127.0.0.1:8761")
                    .listen("127.0.0.1", 0)
                    .start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown kind 'eureka'");
  }
}
