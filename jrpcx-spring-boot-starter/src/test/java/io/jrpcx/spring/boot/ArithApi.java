package io.jrpcx.spring.boot;

import java.util.concurrent.CompletableFuture;

/** The client's view of Arith. */
public interface ArithApi {
  Reply mul(Args args);

  CompletableFuture<Reply> mulAsync(Args args);
}
