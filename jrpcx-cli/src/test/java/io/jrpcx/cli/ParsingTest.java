package io.jrpcx.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ParsingTest {

  @Test
  void addressesInRpcxFormAndPlainHostPort() {
    assertThat(Target.parse("tcp@10.0.0.5:8972")).isEqualTo(new Target("tcp", "10.0.0.5:8972"));
    assertThat(Target.parse("10.0.0.5:8972")).isEqualTo(new Target("tcp", "10.0.0.5:8972"));
    assertThat(Target.parse("unix@/tmp/a.sock")).isEqualTo(new Target("unix", "/tmp/a.sock"));
    assertThat(Target.parse("tcp@[::1]:8972")).isEqualTo(new Target("tcp", "[::1]:8972"));
    assertThatThrownBy(() -> Target.parse("tcp@")).isInstanceOf(CliException.class);
    assertThatThrownBy(() -> Target.parse("host")).hasMessageContaining("no host:port");
  }

  @Test
  void everyTcpBasedNetworkOfGoRpcxIsAnAddress() {
    for (String network : new String[] {"http", "ws", "wss", "reuseport"}) {
      assertThat(Target.parse(network + "@127.0.0.1:8972"))
          .isEqualTo(new Target(network, "127.0.0.1:8972"));
    }
    assertThatThrownBy(() -> Target.parse("ws@host")).hasMessageContaining("ws@host:port");
    assertThatThrownBy(() -> Target.parse("quic@127.0.0.1:8972"))
        .hasMessageContaining("not supported");
  }

  @Test
  void durationsAreWrittenAsInGo() {
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DurationConverter.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(DurationConverter.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThatThrownBy(() -> DurationConverter.parse("10"))
        .isInstanceOf(TypeConversionException.class);
    assertThatThrownBy(() -> DurationConverter.parse("10s junk"))
        .isInstanceOf(TypeConversionException.class);
    assertThat(DurationConverter.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(DurationConverter.format(Duration.ofMillis(300))).isEqualTo("300ms");
  }

  @Test
  void metadataIsDecodedLikeAUrlQuery() {
    assertThat(ListCommand.metadata("weight=10&group=g1&note=a%20b+c&flag"))
        .containsExactly("weight=10", "group=g1", "note=a b c", "flag");
    assertThat(ListCommand.metadata("")).isEmpty();
    assertThat(ListCommand.metadata("bad=%zz")).containsExactly("bad=%zz");
  }

  @Test
  void flatRegistryKeysBecomeServicesAndNodes() {
    ServiceTable t = new ServiceTable();
    t.addKey("Arith", "Arith");
    t.addKey("Arith/tcp@10.0.0.5:8972", "weight=1");
    t.addKey("Echo/unix@/tmp/e.sock", "");
    assertThat(t.services()).containsOnlyKeys("Arith", "Echo");
    assertThat(t.services().get("Arith")).containsEntry("tcp@10.0.0.5:8972", "weight=1");
    assertThat(t.services().get("Echo")).containsEntry("unix@/tmp/e.sock", "");
  }
}
