package io.jrpcx.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.ServiceException;
import io.jrpcx.protocol.GzipCompressor;
import io.jrpcx.server.ServerContext;
import io.jrpcx.server.ServerPlugin;
import io.jrpcx.testing.ArithService;
import io.jrpcx.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** rpcx's HTTP gateway: X-RPCX-* headers in, rpcx's path through the server, headers out. */
class GatewayTest {
  static final int MAX_MESSAGE = 64 * 1024;

  final List<String> remoteAddresses = new CopyOnWriteArrayList<>();
  final CountDownLatch onewayRan = new CountDownLatch(1);

  @RegisterExtension
  final TestServer server =
      TestServer.create(
          b ->
              b.sharePortWith(Gateway.create())
                  .maxMessageLength(MAX_MESSAGE)
                  .authenticator(Http.guardedBySecret())
                  .plugin(
                      (ServerPlugin.PreCall)
                          (ctx, args) -> {
                            remoteAddresses.add(String.valueOf(ctx.remoteAddress()));
                            return args;
                          }),
          s -> {
            s.register("Guarded", new ArithService(), "");
            s.register("Notes", new Notes(), "");
          });

  /** Records oneway calls; fails with a non-ASCII multi-line text on demand. */
  public class Notes {
    public String note(String text) {
      onewayRan.countDown();
      return text;
    }

    public String fail(ServerContext ctx, String text) {
      throw new ServiceException("first line\nsecond line: caf\u00e9");
    }
  }

  private String address() {
    return server.address();
  }

  @Test
  void callsAServiceWithTheServicePathFromTheUrlAndEchoesTheRpcxHeaders() throws Exception {
    HttpResponse<String> r =
        Http.send(
            Http.gateway(address(), "Arith", "Mul", "{\"A\":7,\"B\":6}")
                .header("X-RPCX-MessageID", "18446744073709551615")
                .header("X-RPCX-Version", "3"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"C\":42}");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.headers().firstValue("X-RPCX-MessageStatusType")).hasValue("Normal");
    assertThat(r.headers().firstValue("X-RPCX-MessageID")).hasValue("18446744073709551615");
    assertThat(r.headers().firstValue("X-RPCX-Version")).hasValue("3");
    assertThat(r.headers().firstValue("X-RPCX-ServicePath")).hasValue("Arith");
    assertThat(r.headers().firstValue("X-RPCX-ServiceMethod")).hasValue("Mul");
    assertThat(r.headers().firstValue("X-RPCX-SerializeType")).hasValue("1");
    assertThat(r.headers().firstValue("X-RPCX-ErrorMessage")).isEmpty();
    assertThat(remoteAddresses).hasSize(1).allMatch(a -> a.contains("127.0.0.1"));
  }

  @Test
  void servicePathHeaderWinsOverTheUrlAndGetAndPutWorkToo() throws Exception {
    HttpResponse<String> put =
        Http.send(
            Http.to(address(), "/Nothing/here")
                .header("X-RPCX-ServicePath", "Arith")
                .header("X-RPCX-ServiceMethod", "Add")
                .header("X-RPCX-SerializeType", "1")
                .PUT(Http.body("{\"A\":7,\"B\":6}")));
    HttpResponse<String> get =
        Http.send(
            Http.to(address(), "/Arith")
                .header("X-RPCX-ServiceMethod", "Mul")
                .header("X-RPCX-SerializeType", "1")
                .method("GET", Http.body("{\"A\":2,\"B\":3}")));

    assertThat(put.body()).isEqualTo("{\"C\":13}");
    assertThat(get.body()).isEqualTo("{\"C\":6}");
  }

  @Test
  void contentTypeFollowsTheSerializeType() throws Exception {
    HttpResponse<byte[]> raw =
        Http.sendForBytes(
            Http.to(address(), "/Echo")
                .header("X-RPCX-ServiceMethod", "Echo")
                .header("X-RPCX-SerializeType", "3")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xa2, 'h', 'i'})));

    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.headers().firstValue("Content-Type")).hasValue("application/msgpack");
    assertThat(raw.body()).containsExactly(0xa2, 'h', 'i');
  }

  @Test
  void metadataTravelsBothWaysAsUrlQueryStrings() throws Exception {
    HttpResponse<String> r =
        Http.send(
            Http.gateway(address(), "Arith", "MulMeta", "{\"A\":2,\"B\":5}")
                .header("X-RPCX-Meta", "trace=a%20b&lang=caf%C3%A9&lang=ignored"));

    assertThat(r.body()).isEqualTo("{\"C\":10}");
    assertThat(r.headers().firstValue("X-RPCX-Meta")).hasValue("lang=caf%C3%A9&trace=a+b");
  }

  @Test
  void responseMetadataEscapesStarAndKeepsTildeAsGoDoes() throws Exception {
    // java.net.URLEncoder would write "a*b%7Ec"; Go's url.QueryEscape writes "a%2Ab~c".
    HttpResponse<String> r =
        Http.send(
            Http.gateway(address(), "Arith", "MulMeta", "{\"A\":2,\"B\":5}")
                .header("X-RPCX-Meta", "k%7E*=a*b~c"));

    assertThat(r.headers().firstValue("X-RPCX-Meta")).hasValue("k~%2A=a%2Ab~c");
  }

  @Test
  void authorizationHeaderIsTheAuthTokenAndAFailureIs401() throws Exception {
    HttpResponse<String> refused =
        Http.send(
            Http.gateway(address(), "Guarded", "Mul", "{\"A\":2,\"B\":5}")
                .header("Authorization", "Bearer wrong"));
    HttpResponse<String> missing =
        Http.send(Http.gateway(address(), "Guarded", "Mul", "{\"A\":2,\"B\":5}"));
    HttpResponse<String> allowed =
        Http.send(
            Http.gateway(address(), "Guarded", "Mul", "{\"A\":2,\"B\":5}")
                .header("Authorization", "Bearer s3cret"));

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("X-RPCX-MessageStatusType")).hasValue("Error");
    assertThat(refused.headers().firstValue("X-RPCX-ErrorMessage"))
        .hasValue("unauthorized: bad token");
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.body()).isEqualTo("{\"C\":10}");
  }

  @Test
  void serviceErrorsAre500WithGosErrorHeadersAndTheTextAsBody() throws Exception {
    HttpResponse<String> r =
        Http.send(Http.gateway(address(), "Arith", "Div", "{\"A\":1,\"B\":0}"));

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.headers().firstValue("X-RPCX-MessageStatusType")).hasValue("Error");
    assertThat(r.headers().firstValue("X-RPCX-ErrorMessage")).hasValue("divide by zero");
    assertThat(r.headers().firstValue("X-RPCX-ServiceMethod")).hasValue("Div");
    assertThat(r.body()).isEqualTo("divide by zero");
  }

  @Test
  void anErrorTextThatIsNoHeaderValueIsMadeSafeThereAndExactInTheBody() throws Exception {
    HttpResponse<String> r = Http.send(Http.gateway(address(), "Notes", "Fail", "\"x\""));

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.headers().firstValue("X-RPCX-ErrorMessage"))
        .hasValue("first line second line: caf?");
    assertThat(r.body()).isEqualTo("first line\nsecond line: caf\u00e9");
  }

  @Test
  void unknownServiceOrMethodIs404AndUndecodableArgumentsAre400() throws Exception {
    HttpResponse<String> service = Http.send(Http.gateway(address(), "Nope", "Mul", "{}"));
    HttpResponse<String> method = Http.send(Http.gateway(address(), "Arith", "Nope", "{}"));
    HttpResponse<String> args = Http.send(Http.gateway(address(), "Arith", "Mul", "[1,"));
    HttpResponse<String> codec =
        Http.send(
            Http.to(address(), "/Arith")
                .header("X-RPCX-ServiceMethod", "Mul")
                .header("X-RPCX-SerializeType", "9")
                .POST(Http.body("{}")));

    assertThat(service.statusCode()).isEqualTo(404);
    assertThat(service.headers().firstValue("X-RPCX-ErrorMessage"))
        .hasValue("rpcx: can't find service Nope");
    assertThat(method.statusCode()).isEqualTo(404);
    assertThat(method.headers().firstValue("X-RPCX-ErrorMessage"))
        .hasValue("rpcx: can't find method Nope");
    assertThat(args.statusCode()).isEqualTo(400);
    assertThat(args.body()).startsWith("rpcx: can't decode the args of Arith.Mul: ");
    assertThat(codec.statusCode()).isEqualTo(400);
    assertThat(codec.body()).isEqualTo("can not find codec for 9");
  }

  @Test
  void malformedRequestsAre400WithGosTextsAndTheirRpcxHeadersCopiedBack() throws Exception {
    HttpResponse<String> noMethod =
        Http.send(
            Http.to(address(), "/Arith")
                .header("X-RPCX-SerializeType", "1")
                .header("X-RPCX-MessageID", "7")
                .POST(Http.body("{}")));
    HttpResponse<String> noType =
        Http.send(
            Http.to(address(), "/Arith")
                .header("X-RPCX-ServiceMethod", "Mul")
                .POST(Http.body("{}")));
    HttpResponse<String> noPath =
        Http.send(
            Http.to(address(), "/")
                .header("X-RPCX-ServiceMethod", "Mul")
                .header("X-RPCX-SerializeType", "1")
                .POST(Http.body("{}")));

    assertThat(noMethod.statusCode()).isEqualTo(400);
    assertThat(noMethod.headers().firstValue("X-RPCX-ErrorMessage"))
        .hasValue("empty servicemethod");
    assertThat(noMethod.headers().firstValue("X-RPCX-MessageID")).hasValue("7");
    assertThat(noMethod.headers().firstValue("X-RPCX-SerializeType")).hasValue("1");
    assertThat(noType.headers().firstValue("X-RPCX-ErrorMessage"))
        .hasValue("empty serialized type");
    assertThat(noPath.statusCode()).isEqualTo(400);
    assertThat(noPath.headers().firstValue("X-RPCX-ErrorMessage")).hasValue("empty servicepath");
  }

  @Test
  void badNumbersAndBooleansAre400NamingTheHeader() throws Exception {
    assertBadHeader(
        "X-RPCX-MessageID",
        "-1",
        "X-RPCX-MessageID must be an unsigned 64-bit decimal number, was \"-1\"");
    assertBadHeader(
        "X-RPCX-MessageID",
        "18446744073709551616",
        "X-RPCX-MessageID must be an unsigned 64-bit decimal number, was \"18446744073709551616\"");
    assertBadHeader(
        "X-RPCX-SerializeType",
        "16",
        "X-RPCX-SerializeType must be a number from 0 to 15, was \"16\"");
    assertBadHeader(
        "X-RPCX-CompressType",
        "gzip",
        "X-RPCX-CompressType must be a number from 0 to 7, was \"gzip\"");
    assertBadHeader(
        "X-RPCX-CompressType",
        "2",
        "unsupported X-RPCX-CompressType 2: the server has no such compressor");
    assertBadHeader("X-RPCX-Oneway", "yes", "X-RPCX-Oneway must be true or false, was \"yes\"");
    assertBadHeader(
        "X-RPCX-Heartbeat", "maybe", "X-RPCX-Heartbeat must be true or false, was \"maybe\"");
    assertBadHeader("X-RPCX-Meta", "a=%zz", "X-RPCX-Meta is not a URL query string: ");
  }

  private void assertBadHeader(String name, String value, String error) throws Exception {
    HttpResponse<String> r =
        Http.send(
            Http.gateway(address(), "Arith", "Mul", "{\"A\":1,\"B\":1}").setHeader(name, value));
    assertThat(r.statusCode()).as(name + ": " + value).isEqualTo(400);
    assertThat(r.headers().firstValue("X-RPCX-MessageStatusType")).hasValue("Error");
    assertThat(r.body()).as(name + ": " + value).startsWith(error);
    assertThat(r.headers().firstValue(name)).hasValue(value);
  }

  @Test
  void overlongValuesAreQuotedCutTo256CharactersInErrors() throws Exception {
    String id = "9".repeat(5_000) + "x";
    HttpResponse<String> badId =
        Http.send(Http.gateway(address(), "Arith", "Mul", "{}").header("X-RPCX-MessageID", id));
    HttpResponse<String> unknown =
        Http.send(
            Http.gateway(address(), "Arith", "Mul", "{}")
                .header("X-RPCX-ServicePath", "S".repeat(5_000)));

    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(badId.body())
        .isEqualTo(
            "X-RPCX-MessageID must be an unsigned 64-bit decimal "
                + "number, was \""
                + "9".repeat(256)
                + "...(5001 chars)\"");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body())
        .isEqualTo("rpcx: can't find service " + "S".repeat(256) + "...(5000 chars)");
    assertThat(unknown.headers().firstValue("X-RPCX-ErrorMessage"))
        .hasValue("rpcx: can't find service " + "S".repeat(256) + "...(5000 chars)");
  }

  @Test
  void onewayTrueIsAnswered202AtOnceAndRunsTheCall() throws Exception {
    HttpResponse<String> r =
        Http.send(
            Http.gateway(address(), "Notes", "Note", "\"hello\"")
                .header("X-RPCX-Oneway", "true")
                .header("X-RPCX-MessageID", "9"));

    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().firstValue("X-RPCX-MessageID")).hasValue("9");
    assertThat(onewayRan.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void onewayFalseAndZeroMeanFalse() throws Exception {
    for (String no : new String[] {"false", "FALSE", "0"}) {
      HttpResponse<String> r =
          Http.send(
              Http.gateway(address(), "Arith", "Mul", "{\"A\":3,\"B\":3}")
                  .header("X-RPCX-Oneway", no));
      assertThat(r.statusCode()).as(no).isEqualTo(200);
      assertThat(r.body()).as(no).isEqualTo("{\"C\":9}");
    }
  }

  @Test
  void heartbeatIsEchoedWithoutAService() throws Exception {
    HttpResponse<String> r =
        Http.send(
            Http.to(address(), "/")
                .header("X-RPCX-Heartbeat", "true")
                .header("X-RPCX-MessageID", "5")
                .POST(Http.body("ping")));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ping");
    assertThat(r.headers().firstValue("X-RPCX-Heartbeat")).hasValue("true");
    assertThat(r.headers().firstValue("X-RPCX-MessageID")).hasValue("5");
    assertThat(remoteAddresses).isEmpty();
  }

  @Test
  void gzipBodiesAreDecompressedWithEitherHeader() throws Exception {
    byte[] gzipped =
        new GzipCompressor().compress("{\"A\":6,\"B\":7}".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> compressType =
        Http.send(
            Http.gateway(address(), "Arith", "Mul", "")
                .header("X-RPCX-CompressType", "1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped)));
    HttpResponse<String> contentEncoding =
        Http.send(
            Http.gateway(address(), "Arith", "Mul", "")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped)));
    HttpResponse<String> brotli =
        Http.send(Http.gateway(address(), "Arith", "Mul", "{}").header("Content-Encoding", "br"));
    HttpResponse<String> corrupt =
        Http.send(
            Http.gateway(address(), "Arith", "Mul", "not gzip").header("X-RPCX-CompressType", "1"));

    assertThat(compressType.body()).isEqualTo("{\"C\":42}");
    assertThat(compressType.headers().firstValue("X-RPCX-CompressType")).isEmpty();
    assertThat(contentEncoding.body()).isEqualTo("{\"C\":42}");
    assertThat(brotli.statusCode()).isEqualTo(415);
    assertThat(corrupt.statusCode()).isEqualTo(400);
    assertThat(corrupt.body()).startsWith("body of X-RPCX-CompressType 1 cannot be decompressed");
  }

  @Test
  void aLargeReplyToACompressedRequestIsCompressedTheSameWay() throws Exception {
    String text = "x".repeat(5000);
    byte[] gzipped =
        new GzipCompressor().compress(("\"" + text + "\"").getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> r =
        Http.sendForBytes(
            Http.gateway(address(), "Echo", "Echo", "")
                .header("X-RPCX-CompressType", "1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped)));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-RPCX-CompressType")).hasValue("1");
    assertThat(
            new String(new GzipCompressor().decompress(r.body(), 1 << 20), StandardCharsets.UTF_8))
        .isEqualTo("\"" + text + "\"");
  }

  @Test
  void aBodyOverTheMaxMessageLengthIs413BeforeItIsSent() throws Exception {
    try (Http.Raw raw = new Http.Raw(address())) {
      // Only the head is sent: the answer cannot wait for the body.
      String head =
          raw.write(
                  Http.rawArith("Mul", "", "Content-Length: " + (MAX_MESSAGE + 1))
                      .replace("Content-Length: 0\r\n", ""))
              .readHead();
      assertThat(head).startsWith("HTTP/1.1 413 ");
    }
    HttpResponse<String> ok =
        Http.send(
            Http.gateway(address(), "Echo", "Echo", "\"" + "y".repeat(MAX_MESSAGE - 100) + "\""));
    assertThat(ok.statusCode()).isEqualTo(200);
  }

  @Test
  void expectContinueGetsContinueThenTheAnswer() throws Exception {
    String json = "{\"A\":4,\"B\":5}";
    try (Http.Raw raw = new Http.Raw(address())) {
      String request = Http.rawArith("Mul", json, "Expect: 100-continue");
      String interim = raw.write(request.substring(0, request.length() - json.length())).readHead();
      assertThat(interim).startsWith("HTTP/1.1 100 Continue");
      String head = raw.write(json).readHead();
      assertThat(head).startsWith("HTTP/1.1 200 OK").contains("content-length: 8");
      assertThat(new String(raw.readBytes(8), StandardCharsets.UTF_8)).isEqualTo("{\"C\":20}");
    }
  }

  @Test
  void keepAliveAndPipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
    StringBuilder requests = new StringBuilder();
    for (int i = 1; i <= 3; i++) {
      requests.append(Http.rawArith("Mul", "{\"A\":" + i + ",\"B\":10}", "X-RPCX-MessageID: " + i));
    }
    try (Http.Raw raw = new Http.Raw(address())) {
      raw.write(requests.toString());
      for (int i = 1; i <= 3; i++) {
        String head = raw.readHead();
        assertThat(head).startsWith("HTTP/1.1 200 OK").contains("X-RPCX-MessageID: " + i + "\r\n");
        int length = Integer.parseInt(head.replaceAll("(?s).*content-length: (\\d+).*", "$1"));
        assertThat(new String(raw.readBytes(length), StandardCharsets.UTF_8))
            .isEqualTo("{\"C\":" + (i * 10) + "}");
      }
    }
  }

  @Test
  void otherMethodsAre405() throws Exception {
    HttpResponse<String> r =
        Http.send(
            Http.to(address(), "/Arith").method("DELETE", HttpRequest.BodyPublishers.noBody()));

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET, POST, PUT");
  }
}
