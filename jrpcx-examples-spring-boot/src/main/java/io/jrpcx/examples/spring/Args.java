package io.jrpcx.examples.spring;

/**
 * The arguments of Arith, Go's {@code Args{A, B int}}: field names are the names on the wire. The
 * same as jrpcx-examples' {@code Args}, copied because that module's artifact is a shaded jar
 * carrying all its dependencies.
 */
public class Args {
  public int A;
  public int B;

  public Args() {}

  public Args(int a, int b) {
    A = a;
    B = b;
  }
}
