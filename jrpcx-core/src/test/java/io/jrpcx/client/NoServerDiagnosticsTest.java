package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.client.discovery.AbstractServiceDiscovery;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.client.discovery.MultipleServersDiscovery;
import io.jrpcx.client.discovery.ServiceDiscovery;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** "can not find any server" says why: registry unreachable, nothing listed, or all filtered. */
@Timeout(30)
class NoServerDiagnosticsTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /** A registry discovery whose registry cannot be reached. */
  static final class UnreachableRegistry extends AbstractServiceDiscovery {
    void fail(Throwable cause) {
      readFailed(cause);
    }

    @Override
    public ServiceDiscovery clone(String servicePath) {
      return new UnreachableRegistry();
    }
  }

  private ConnectionException noServer(ServiceDiscovery discovery, ClientOptions options) {
    toClose.add(discovery);
    XClient x =
        XClient.create("Arith", FailMode.FAILFAST, SelectMode.RANDOM_SELECT, discovery, options);
    toClose.add(0, x);
    return catchThrowableOfType(
        ConnectionException.class,
        () ->
            x.call(
                Context.background().withTimeout(Duration.ofSeconds(5)),
                "Mul",
                null,
                Object.class));
  }

  @Test
  void anUnreachableRegistryIsNamedWithItsCause() {
    UnreachableRegistry registry = new UnreachableRegistry();
    IOException cause = new IOException("Connection refused: 127.0.0.1:2379");
    registry.fail(cause);

    ConnectionException e = noServer(registry, ClientOptions.DEFAULT);

    assertThat(e)
        .hasMessage(
            "can not find any server for Arith: the registry could not be read:"
                + " java.io.IOException: Connection refused: 127.0.0.1:2379")
        .hasCause(cause);
  }

  @Test
  void anEmptyListIsNamedAsSuch() {
    ConnectionException e =
        noServer(new MultipleServersDiscovery(List.of()), ClientOptions.DEFAULT);

    assertThat(e).hasMessage("can not find any server for Arith: the discovery lists no node");
  }

  @Test
  void nodesFilteredByStateOrGroupAreCounted() {
    MultipleServersDiscovery listed =
        new MultipleServersDiscovery(
            List.of(
                new KVPair("tcp@127.0.0.1:1", "state=inactive"),
                new KVPair("tcp@127.0.0.1:2", "group=blue"),
                new KVPair("tcp@127.0.0.1:3", "")));

    ConnectionException e =
        noServer(listed, ClientOptions.DEFAULT.toBuilder().group("green").build());

    assertThat(e)
        .hasMessage(
            "can not find any server for Arith in group green: all 3 listed node(s) are filtered"
                + " out (1 with state=inactive, 2 not in group green)");
  }

  @Test
  void inactiveNodesAloneAreNamed() {
    ConnectionException e =
        noServer(
            new MultipleServersDiscovery(List.of(new KVPair("tcp@127.0.0.1:1", "state=inactive"))),
            ClientOptions.DEFAULT);

    assertThat(e)
        .hasMessage(
            "can not find any server for Arith: all 1 listed node(s) are filtered out"
                + " (1 with state=inactive)");
  }
}
