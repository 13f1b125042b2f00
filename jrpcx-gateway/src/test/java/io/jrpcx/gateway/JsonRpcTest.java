package io.jrpcx.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** JSON-RPC 2.0 on the server's port, to the specification, with batches. */
class JsonRpcTest {
  final CountDownLatch notified = new CountDownLatch(1);

  @RegisterExtension
  final TestServer server =
      TestServer.create(
          b ->
              b.sharePortWith(Gateway.builder().cors(Cors.origins("https://app.example")).build())
                  .authenticator(Http.guardedBySecret()),
          s -> {
            s.register("Guarded", new ArithService(), "");
            s.register("Notify", new Notify(), "");
          });

  /** Counts notifications. */
  public class Notify {
    public String ping(String text) {
      notified.countDown();
      return text;
    }
  }

  private HttpResponse<String> call(String json) throws Exception {
    return Http.send(Http.jsonRpc(server.address(), json));
  }

  @Test
  void callsServiceDotMethodAndEchoesANumberId() throws Exception {
    HttpResponse<String> r =
        call(
            "{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Mul\",\"params\":{\"A\":7,\"B\":6},\"id\":12}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"C\":42},\"id\":12}");
  }

  @Test
  void echoesStringAndFractionalIdsExactlyOnAnyPath() throws Exception {
    HttpResponse<String> string =
        Http.send(
            Http.to(server.address(), "/any/path")
                .header("X-JSONRPC-2.0", "TRUE")
                .POST(
                    Http.body(
                        "{\"jsonrpc\":\"2.0\",\"method\":\"Echo.Echo\",\"params\":\"hi\",\"id\":\"abc-1\"}")));
    HttpResponse<String> fraction =
        call("{\"jsonrpc\":\"2.0\",\"method\":\"Echo.Echo\",\"params\":\"hi\",\"id\":1.50}");

    assertThat(string.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":\"hi\",\"id\":\"abc-1\"}");
    assertThat(fraction.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":\"hi\",\"id\":1.50}");
  }

  @Test
  void methodIsSplitAtTheLastDot() throws Exception {
    server.server().register("a.b", new ArithService(), "");

    HttpResponse<String> r =
        call("{\"jsonrpc\":\"2.0\",\"method\":\"a.b.Add\",\"params\":{\"A\":1,\"B\":2},\"id\":1}");

    assertThat(r.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"C\":3},\"id\":1}");
  }

  @Test
  void errorCodesFollowTheSpecification() throws Exception {
    assertError("{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Mul\",", -32700, null, "Parse error: ");
    assertError("", -32700, null, "Parse error: empty body");
    assertError(
        "{\"jsonrpc\":\"1.0\",\"method\":\"Arith.Mul\",\"id\":1}",
        -32700,
        "1",
        "Parse error: jsonrpc must be \"2.0\"");
    assertError(
        "{\"method\":\"Arith.Mul\",\"id\":1}", -32700, "1", "Parse error: jsonrpc must be \"2.0\"");
    assertError(
        "{\"jsonrpc\":\"2.0\",\"method\":7,\"id\":1}",
        -32600,
        "1",
        "Invalid Request: method must be a string");
    assertError(
        "{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Mul\",\"id\":{}}",
        -32600,
        null,
        "Invalid Request: id must be a number, a string or null");
    assertError("42", -32600, null, "Invalid Request: not an object");
    assertError(
        "{\"jsonrpc\":\"2.0\",\"method\":\"Mul\",\"id\":1}",
        -32601,
        "1",
        "Method not found: \"Mul\" is not Service.Method");
    assertError(
        "{\"jsonrpc\":\"2.0\",\"method\":\"Nope.Mul\",\"id\":1}",
        -32601,
        "1",
        "rpcx: can't find service Nope");
    assertError(
        "{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Nope\",\"id\":1}",
        -32601,
        "1",
        "rpcx: can't find method Nope");
    assertError(
        "{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Mul\",\"params\":[1,2],\"id\":1}",
        -32602,
        "1",
        "rpcx: can't decode the args of Arith.Mul: ");
    assertError(
        "{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Div\",\"params\":{\"A\":1,\"B\":0}," + "\"id\":1}",
        -32603,
        "1",
        "divide by zero");
  }

  private void assertError(String body, int code, String id, String message) throws Exception {
    HttpResponse<String> r = call(body);
    assertThat(r.statusCode()).as(body).isEqualTo(200);
    assertThat(r.body())
        .as(body)
        .startsWith(
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":"
                + code
                + ",\"message\":\""
                + message.replace("\"", "\\\""))
        .endsWith("\"},\"id\":" + id + "}");
  }

  @Test
  void overlongNamesAreQuotedCutTo256CharactersInErrors() throws Exception {
    String noDot = "x".repeat(5_000);
    String service = "S".repeat(5_000);

    assertError(
        "{\"jsonrpc\":\"2.0\",\"method\":\"" + noDot + "\",\"id\":1}",
        -32601,
        "1",
        "Method not found: \"" + "x".repeat(256) + "...(5000 chars)\" is not Service.Method");
    HttpResponse<String> unknown =
        call("{\"jsonrpc\":\"2.0\",\"method\":\"" + service + ".Mul\",\"id\":1}");

    assertThat(unknown.body())
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,"
                + "\"message\":\"rpcx: can't find service "
                + "S".repeat(256)
                + "...(5000 chars)\"},"
                + "\"id\":1}");
  }

  @Test
  void missingParamsAreJsonNull() throws Exception {
    HttpResponse<String> echo = call("{\"jsonrpc\":\"2.0\",\"method\":\"Echo.Echo\",\"id\":1}");
    HttpResponse<String> mul = call("{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Mul\",\"id\":2}");

    assertThat(echo.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1}");
    // Arith.Mul dereferences its (null) arguments: a service error, not a decoding one.
    assertThat(mul.body()).contains("\"code\":-32603");
  }

  @Test
  void authorizationAndMetaHeadersReachTheServer() throws Exception {
    HttpResponse<String> refused =
        call(
            "{\"jsonrpc\":\"2.0\",\"method\":\"Guarded.Mul\",\"params\":{\"A\":2,\"B\":2},\"id\":1}");
    HttpResponse<String> allowed =
        Http.send(
            Http.jsonRpc(
                    server.address(),
                    "{\"jsonrpc\":\"2.0\",\"method\":\"Guarded.Mul\",\"params\":{\"A\":2,\"B\":2},\"id\":1}")
                .header("Authorization", "Bearer s3cret"));

    assertThat(refused.body())
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,"
                + "\"message\":\"unauthorized: bad token\"},\"id\":1}");
    assertThat(allowed.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"C\":4},\"id\":1}");
  }

  @Test
  void aNotificationRunsAndGets204WithNoBody() throws Exception {
    HttpResponse<String> r =
        call("{\"jsonrpc\":\"2.0\",\"method\":\"Notify.Ping\",\"params\":\"x\"}");

    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(r.body()).isEmpty();
    assertThat(notified.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aBatchIsAnsweredAsAnArrayInOrderWithoutItsNotifications() throws Exception {
    HttpResponse<String> r =
        call(
            "["
                + "{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Mul\",\"params\":{\"A\":2,\"B\":3},\"id\":\"a\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"Notify.Ping\",\"params\":\"x\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Nope\",\"params\":{},\"id\":2},"
                + "1,"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"Arith.Add\",\"params\":{\"A\":2,\"B\":3},\"id\":3}]");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo(
            "["
                + "{\"jsonrpc\":\"2.0\",\"result\":{\"C\":6},\"id\":\"a\"},"
                + "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,"
                + "\"message\":\"rpcx: can't find method Nope\"},\"id\":2},"
                + "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
                + "\"message\":\"Invalid Request: not an object\"},\"id\":null},"
                + "{\"jsonrpc\":\"2.0\",\"result\":{\"C\":5},\"id\":3}]");
    assertThat(notified.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void anEmptyBatchIsOneInvalidRequestAndAllNotificationsGet204() throws Exception {
    HttpResponse<String> empty = call("[]");
    HttpResponse<String> notifications =
        call("[{\"jsonrpc\":\"2.0\",\"method\":\"Notify.Ping\",\"params\":\"x\"}]");

    assertThat(empty.body())
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
                + "\"message\":\"Invalid Request: empty batch\"},\"id\":null}");
    assertThat(notifications.statusCode()).isEqualTo(204);
  }

  @Test
  void corsAnswersPreflightForAllowedOriginsAndRefusesOthers() throws Exception {
    HttpResponse<String> preflight =
        Http.send(
            Http.to(server.address(), "/")
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "x-jsonrpc-2.0, content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    HttpResponse<String> call =
        Http.send(
            Http.jsonRpc(
                    server.address(),
                    "{\"jsonrpc\":\"2.0\",\"method\":\"Echo.Echo\",\"params\":\"hi\",\"id\":1}")
                .header("Origin", "https://app.example"));
    HttpResponse<String> stranger =
        Http.send(
            Http.jsonRpc(
                    server.address(),
                    "{\"jsonrpc\":\"2.0\",\"method\":\"Echo.Echo\",\"params\":\"hi\",\"id\":1}")
                .header("Origin", "https://evil.example"));

    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.example");
    assertThat(String.join(",", preflight.headers().allValues("Access-Control-Allow-Methods")))
        .contains("POST");
    assertThat(call.statusCode()).isEqualTo(200);
    assertThat(call.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.example");
    assertThat(String.join(",", call.headers().allValues("Access-Control-Expose-Headers")))
        .contains("X-RPCX-ErrorMessage");
    assertThat(stranger.statusCode()).isEqualTo(403);
  }
}
