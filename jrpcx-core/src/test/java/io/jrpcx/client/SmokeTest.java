package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.Context;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SmokeTest {
  @RegisterExtension final TestServer server = TestServer.create();

  @Test
  void callsMul() {
    Client c = server.connect();
    Reply r = c.call(Context.background(), "Arith", "Mul", new Args(10, 20), Reply.class);
    assertThat(r.C).isEqualTo(200);
  }
}
