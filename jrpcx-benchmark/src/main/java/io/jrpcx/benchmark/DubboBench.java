package io.jrpcx.benchmark;

import java.util.concurrent.CompletableFuture;

/**
 * The benchmark service as a Dubbo interface. Methods return {@link CompletableFuture}, Dubbo 3's
 * asynchronous form, so one client thread can keep many calls in flight.
 */
public interface DubboBench {

  /** Sets field1 and field2 and returns the message. */
  CompletableFuture<GoogleMessage1> say(GoogleMessage1 message);

  /** Returns {@code data}. */
  CompletableFuture<byte[]> echo(byte[] data);
}
