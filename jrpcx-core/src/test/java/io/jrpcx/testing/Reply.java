package io.jrpcx.testing;

/** Go's {@code Reply{C int}}. */
public class Reply {
  public int C;

  public Reply() {}

  public Reply(int c) {
    this.C = c;
  }

  @Override
  public String toString() {
    return "Reply{C=" + C + "}";
  }
}
