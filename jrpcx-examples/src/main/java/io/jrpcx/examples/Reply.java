package io.jrpcx.examples;

/** The reply of Arith, Go's {@code Reply{C int}}. */
public class Reply {
  public int C;
}
