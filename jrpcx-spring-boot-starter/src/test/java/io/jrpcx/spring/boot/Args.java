package io.jrpcx.spring.boot;

/** Arith's arguments, Go's {@code Args{A, B int}}. */
public class Args {
  public int A;
  public int B;

  public Args() {}

  public Args(int a, int b) {
    A = a;
    B = b;
  }
}
