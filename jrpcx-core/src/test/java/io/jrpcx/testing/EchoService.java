package io.jrpcx.testing;

/** Go's {@code Echo.Echo(string) string}, Java style. */
public class EchoService {

  public String echo(String s) {
    return s;
  }
}
