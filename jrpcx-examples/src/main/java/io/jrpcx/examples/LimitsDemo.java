package io.jrpcx.examples;

import io.jrpcx.Context;
import io.jrpcx.ServiceException;
import io.jrpcx.client.Client;
import io.jrpcx.plugin.ConnectionRateLimitPlugin;
import io.jrpcx.plugin.IpFilterPlugin;
import io.jrpcx.plugin.RequestRateLimitPlugin;
import io.jrpcx.server.Server;
import java.time.Duration;

/**
 * The limits and access-control plugins of docs/reliability.md in one program: an IP filter, a
 * connection rate limit and a request rate limit of 5 at once, so the sixth and seventh calls get
 * {@code request reached rate limit} on a connection that stays usable.
 */
public class LimitsDemo {
  public static class Echo {
    public String echo(String text) {
      return text;
    }
  }

  public static void main(String[] args) {
    Server server =
        Server.builder()
            .maxMessageLength(16 << 20) // default 64 MiB
            .maxDecompressedLength(16 << 20) // default 64 MiB
            .plugin(
                IpFilterPlugin.allow("127.0.0.0/8", "::1", "10.0.0.0/8")
                    .withDenied("10.66.0.0/16")) // deny wins over allow
            .plugin(
                ConnectionRateLimitPlugin.of(Duration.ofMillis(100), 20)) // 20 at once, then 10/s
            .plugin(RequestRateLimitPlugin.of(Duration.ofMinutes(1), 5)) // 5 at once, then 1/min
            .build();
    server.register("Echo", new Echo(), "");
    server.start("tcp", "127.0.0.1:0");
    try (Client client = new Client()) {
      client.connect("tcp", server.address());
      for (int i = 1; i <= 7; i++) {
        try {
          System.out.println(
              i + ": " + client.call(Context.background(), "Echo", "Echo", "hello", String.class));
        } catch (ServiceException e) {
          System.out.println(i + ": " + e.getMessage()); // the connection is still usable
        }
      }
    } finally {
      server.close();
    }
  }
}
