package io.jrpcx.examples.spring;

/** The reply of Arith, Go's {@code Reply{C int}}. */
public class Reply {
  public int C;
}
