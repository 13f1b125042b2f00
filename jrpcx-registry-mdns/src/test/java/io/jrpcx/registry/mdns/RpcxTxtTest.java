package io.jrpcx.registry.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TXT text, byte for byte against what Go's {@code encoding/json} + {@code url.QueryEscape}
 * produce (the expected strings were printed by a Go 1.19 program doing what rpcx's plugin does).
 */
class RpcxTxtTest {
  private static final RpcxTxt.Entry ARITH =
      new RpcxTxt.Entry("Arith", "weight=10&group=g1", "tcp@10.0.0.5:8972");

  @Test
  void encodesTheSpecExampleExactlyAsGoRpcx() {
    assertThat(RpcxTxt.text(List.of(ARITH)))
        .isEqualTo(
            "%5B%7B%22service%22%3A%22Arith%22%2C"
                + "%22meta%22%3A%22weight%3D10%5Cu0026group%3Dg1%22%2C%22service_address%22%3A%22tcp"
                + "%4010.0.0.5%3A8972%22%7D%5D");
  }

  @Test
  void omitsEmptyFieldsAndEscapesLikeGo() {
    assertThat(RpcxTxt.text(List.of(new RpcxTxt.Entry("Arith", "", "tcp@10.0.0.5:8972"))))
        .isEqualTo(
            "%5B%7B%22service%22%3A%22Arith%22%2C%22service_address%22%3A%22tcp%4010.0.0.5"
                + "%3A8972%22%7D%5D");
    assertThat(RpcxTxt.text(List.of())).isEqualTo("%5B%5D");
    assertThat(
            RpcxTxt.text(
                List.of(
                    new RpcxTxt.Entry("Echo", "a=<b> \"q\"\\ \u2028 \u00e9", "tcp@[::1]:8972"))))
        .isEqualTo(
            "%5B%7B%22service%22%3A%22Echo%22%2C%22meta%22%3A%22a%3D"
                + "%5Cu003cb%5Cu003e+%5C%22q%5C%22%5C%5C+%5Cu2028+%C3%A9%22%2C%22service_address%22"
                + "%3A%22tcp%40%5B%3A%3A1%5D%3A8972%22%7D%5D");
  }

  @Test
  void oneServiceFitsOneTxtStringAsInGo() throws IOException {
    byte[] rdata = RpcxTxt.rdata(List.of(ARITH));
    String text = RpcxTxt.text(List.of(ARITH));
    assertThat(rdata[0] & 0xff).isEqualTo(text.length()).isEqualTo(144);
    assertThat(new String(rdata, 1, rdata.length - 1, StandardCharsets.US_ASCII)).isEqualTo(text);
    assertThat(RpcxTxt.parse(rdata)).containsExactly(ARITH);
  }

  @Test
  void servicesThatDoNotFitOneTxtStringAreLeftOutInsteadOfSplit() throws IOException {
    // Go's text for Arith + Echo is 265 bytes: more than one TXT string (255) holds, and Go
    // never splits it. What fits is kept; Echo is left out.
    RpcxTxt.Entry echo = new RpcxTxt.Entry("Echo", "weight=5", "tcp@10.0.0.5:8972");
    assertThat(RpcxTxt.text(List.of(ARITH, echo))).hasSize(265);
    RpcxTxt.Fit fit = RpcxTxt.fit(List.of(ARITH, echo));
    assertThat(fit.leftOut()).containsExactly("Echo");
    assertThat(new String(fit.string(), StandardCharsets.US_ASCII))
        .isEqualTo(RpcxTxt.text(List.of(ARITH)));
    assertThatThrownBy(() -> RpcxTxt.rdata(List.of(ARITH, echo)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aServiceTooLongForTheStringDoesNotHideTheShortOnesAfterIt() {
    RpcxTxt.Entry huge = new RpcxTxt.Entry("Huge", "note=" + "x".repeat(300), "tcp@h:1");
    RpcxTxt.Entry small = new RpcxTxt.Entry("Small", "", "tcp@h:1");
    RpcxTxt.Fit fit = RpcxTxt.fit(List.of(huge, ARITH, small));
    assertThat(fit.leftOut()).containsExactly("Huge");
    assertThat(new String(fit.string(), StandardCharsets.US_ASCII))
        .isEqualTo(RpcxTxt.text(List.of(ARITH, small)));
    assertThat(fit.string().length).isLessThanOrEqualTo(255);
    assertThat(RpcxTxt.fit(List.of(huge)).string())
        .isEqualTo("%5B%5D".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void stillReadsTextSplitOverSeveralStrings() throws IOException {
    String text = RpcxTxt.text(List.of(ARITH));
    byte[] a = text.substring(0, 100).getBytes(StandardCharsets.US_ASCII);
    byte[] b = text.substring(100).getBytes(StandardCharsets.US_ASCII);
    assertThat(RpcxTxt.parse(List.of(a, b))).containsExactly(ARITH);
  }

  @Test
  void readsGoTextAndRejectsForeignTxt() throws IOException {
    String go =
        "%5B%7B%22service%22%3A%22Arith%22%2C%22meta%22%3A%22weight%3D10%5Cu0026group"
            + "%3Dg1%22%2C%22service_address%22%3A%22tcp%4010.0.0.5%3A8972%22%7D%5D";
    byte[] rdata = new byte[go.length() + 1];
    rdata[0] = (byte) go.length();
    System.arraycopy(go.getBytes(StandardCharsets.US_ASCII), 0, rdata, 1, go.length());
    assertThat(RpcxTxt.parse(rdata)).containsExactly(ARITH);

    assertThatThrownBy(() -> RpcxTxt.parse(new byte[] {3, 'a', '=', 'b'}))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> RpcxTxt.parse(new byte[] {5, '%', 'Z', 'Z'}))
        .isInstanceOf(IOException.class);
  }
}
