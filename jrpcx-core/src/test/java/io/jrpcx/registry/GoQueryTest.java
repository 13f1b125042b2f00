package io.jrpcx.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The codec reproduces Go's {@code net/url}: outputs quoted from the Go mDNS vectors in
 * {@code jrpcx-registry-mdns} (bytes a Go rpcx server sent) and Go's documented behaviour.
 */
class GoQueryTest {

  @Test
  void escapeKeepsOnlyGosUnreservedBytesAndWritesUpperCaseHex() {
    assertThat(GoQuery.escape("AZaz09-_.~")).isEqualTo("AZaz09-_.~");
    // URLEncoder keeps '*' and escapes '~'; Go does the opposite.
    assertThat(GoQuery.escape("a b*~")).isEqualTo("a+b%2A~");
    assertThat(GoQuery.escape("!'()/?=&:@;,+%"))
        .isEqualTo("%21%27%28%29%2F%3F%3D%26%3A%40%3B%2C%2B%25");
    assertThat(GoQuery.escape("café ☃")).isEqualTo("caf%C3%A9+%E2%98%83");
    assertThat(GoQuery.escape("")).isEmpty();
  }

  @Test
  void escapeReproducesTheTxtAGoServerAnnounced() {
    // mdns_server_txt_refresh.bin: Go's json.Marshal of the entries, then url.QueryEscape.
    String json =
        "[{\"service\":\"Arith\",\"meta\":\"calls=0.00\\u0026connections=0.00"
            + "\\u0026group=g1\\u0026weight=10\",\"service_address\":\"tcp@10.255.255.1:8972\"}]";
    assertThat(GoQuery.escape(json))
        .isEqualTo(
            "%5B%7B%22service%22%3A%22Arith%22%2C%22meta%22"
                + "%3A%22calls%3D0.00%5Cu0026connections%3D0.00%5Cu0026group%3Dg1%5Cu0026weight%3D10%22"
                + "%2C%22service_address%22%3A%22tcp%4010.255.255.1%3A8972%22%7D%5D");
  }

  @Test
  void encodeSortsKeysAsGosUpdateLoopWroteThem() {
    // The meta of the same vector: Go's url.Values.Encode after the update loop.
    assertThat(
            GoQuery.encodeSingle(
                Map.of("weight", "10", "group", "g1", "calls", "0.00", "connections", "0.00")))
        .isEqualTo("calls=0.00&connections=0.00&group=g1&weight=10");
    Map<String, List<String>> values = new TreeMap<>();
    values.put("name", List.of("a b*~"));
    values.put("group", List.of("g1", "g0"));
    values.put("empty", List.of());
    assertThat(GoQuery.encode(values)).isEqualTo("group=g1&group=g0&name=a+b%2A~");
    assertThat(GoQuery.encode(Map.of())).isEmpty();
  }

  @Test
  void parseFollowsGosParseQuery() {
    assertThat(GoQuery.parse("weight=10&group=g1&group=g0&flag&=v&&x=a+b%2a%7E"))
        .containsExactly(
            Map.entry("weight", List.of("10")),
            Map.entry("group", List.of("g1", "g0")),
            Map.entry("flag", List.of("")),
            Map.entry("", List.of("v")),
            Map.entry("x", List.of("a b*~")));
    assertThat(GoQuery.parse("")).isEmpty();
    assertThat(GoQuery.parse("k=caf%C3%A9")).containsEntry("k", List.of("café"));
    assertThat(GoQuery.parse("a=1=2")).containsEntry("a", List.of("1=2"));
  }

  @Test
  void parseFailsWhereGoReturnsAnError() {
    assertThatThrownBy(() -> GoQuery.parse("a=1;b=2"))
        .hasMessage("invalid semicolon separator in query");
    assertThatThrownBy(() -> GoQuery.parse("a=%zz")).hasMessage("invalid URL escape \"%zz\"");
    assertThatThrownBy(() -> GoQuery.parse("a=%4")).hasMessage("invalid URL escape \"%4\"");
    assertThatThrownBy(() -> GoQuery.unescape("100%")).hasMessage("invalid URL escape \"%\"");
    assertThat(GoQuery.parseOrEmpty("a=1;b=2")).isEmpty();
  }

  @Test
  void whatEncodeWritesParsesBackToTheSameValues() {
    Map<String, List<String>> values =
        Map.of("k ey*", List.of("v/a;l&u=e", "☃~"), "weight", List.of("10"));
    assertThat(GoQuery.parse(GoQuery.encode(values))).isEqualTo(values);
  }
}
