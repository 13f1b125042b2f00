package io.jrpcx.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jrpcx.testing.ArithService;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A server that cannot bind says which address it could not have. */
@Timeout(30)
class BindFailureTest {
  @Test
  void aPortInUseIsNamedWithItsAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      Server server = Server.builder().build();
      server.register("Arith", new ArithService(), "");
      try {
        Throwable e = catchThrowable(() -> server.start("tcp", address));

        assertThat(e)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("address already in use: " + address);
      } finally {
        server.close();
      }
    }
  }
}
