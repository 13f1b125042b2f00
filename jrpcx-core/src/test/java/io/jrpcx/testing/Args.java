package io.jrpcx.testing;

/** Go's {@code Args{A int, B int}}: the field names are the wire names. */
public class Args {
  public int A;
  public int B;

  public Args() {}

  public Args(int a, int b) {
    this.A = a;
    this.B = b;
  }

  @Override
  public String toString() {
    return "Args{A=" + A + ", B=" + B + "}";
  }
}
