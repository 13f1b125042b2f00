package io.jrpcx.spring.boot;

/** Arith, served by the starter with the annotation's metadata. */
@RpcxService(name = "Arith", weight = 10, group = "g1")
public class ArithService {
  public Reply mul(Args args) {
    return new Reply(args.A * args.B);
  }
}
