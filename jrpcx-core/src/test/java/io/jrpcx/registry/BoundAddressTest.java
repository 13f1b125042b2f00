package io.jrpcx.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrpcx.server.Server;
import io.jrpcx.testing.ArithService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A register plugin without a service address takes the server's once it listens. */
@Timeout(30)
class BoundAddressTest {
  /** Records what it would write, at the address it has then. */
  static final class Recording extends AbstractRegisterPlugin {
    final List<String> written = new CopyOnWriteArrayList<>();

    Recording(Builder b) {
      super(b);
    }

    static final class Builder extends RegisterPluginBuilder<Builder> {
      Builder() {
        super(Duration.ZERO);
      }
    }

    @Override
    protected void doRegister(String serviceName, String metadata) {
      written.add(serviceName + " at " + serviceAddress());
    }

    @Override
    protected void doUnregister(String serviceName) {
      written.add("-" + serviceName);
    }

    @Override
    protected void refresh(String serviceName, String metadata) {}
  }

  @Test
  void servicesRegisteredBeforeTheBindAreWrittenWithThePortTheServerGot() {
    Recording plugin = new Recording(new Recording.Builder());
    Server server = Server.builder().plugin(plugin).build();
    try {
      server.register("Arith", new ArithService(), "");
      assertThat(plugin.written).isEmpty();
      server.start("tcp", "127.0.0.1:0");
      assertThat(plugin.written).containsExactly("Arith at tcp@" + server.address());
      server.register("Later", new ArithService(), "");
      assertThat(plugin.written).last().isEqualTo("Later at tcp@" + server.address());
    } finally {
      server.close();
    }
  }

  @Test
  void aServiceAddressSetOnTheBuilderWins() {
    Recording plugin = new Recording(new Recording.Builder().serviceAddress("tcp@10.0.0.5:8972"));
    Server server = Server.builder().plugin(plugin).build();
    try {
      server.register("Arith", new ArithService(), "");
      server.start("tcp", "127.0.0.1:0");
      assertThat(plugin.written).containsExactly("Arith at tcp@10.0.0.5:8972");
    } finally {
      server.close();
    }
  }

  @Test
  void aWildcardListenerWithoutAServiceAddressFailsStartSayingWhatToSet() {
    Recording plugin = new Recording(new Recording.Builder());
    Server server = Server.builder().plugin(plugin).build();
    try {
      server.register("Arith", new ArithService(), "");
      assertThatThrownBy(() -> server.start("tcp", "0.0.0.0:0"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("set serviceAddress");
      assertThat(plugin.written).isEmpty();
    } finally {
      server.close();
    }
  }
}
