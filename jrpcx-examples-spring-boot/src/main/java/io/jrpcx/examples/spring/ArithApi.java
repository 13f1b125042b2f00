package io.jrpcx.examples.spring;

import java.util.concurrent.CompletableFuture;

/** How the REST side calls Arith: a typed proxy, {@code mul} calls {@code Arith.Mul}. */
public interface ArithApi {
  Reply mul(Args args);

  CompletableFuture<Reply> addAsync(Args args);
}
