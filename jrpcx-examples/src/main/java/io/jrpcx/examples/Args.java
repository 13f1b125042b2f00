package io.jrpcx.examples;

/** The arguments of Arith, Go's {@code Args{A, B int}}: field names are the names on the wire. */
public class Args {
  public int A;
  public int B;

  public Args() {}

  public Args(int a, int b) {
    A = a;
    B = b;
  }
}
