package io.jrpcx.spring.boot;

/** Arith's reply, Go's {@code Reply{C int}}. */
public class Reply {
  public int C;

  public Reply() {}

  public Reply(int c) {
    C = c;
  }
}
