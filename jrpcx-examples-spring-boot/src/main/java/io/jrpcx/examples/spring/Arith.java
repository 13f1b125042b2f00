package io.jrpcx.examples.spring;

import io.jrpcx.Context;
import io.jrpcx.spring.boot.RpcxService;

/**
 * rpcx's Arith service as a Spring bean: the starter serves it as {@code Arith} on {@code
 * jrpcx.server.address}, so Go rpcx clients and jrpcx-examples' {@code ArithClient} call it.
 */
@RpcxService(name = "Arith", weight = 10)
public class Arith {
  public void mul(Context ctx, Args args, Reply reply) {
    reply.C = args.A * args.B;
  }

  public void add(Context ctx, Args args, Reply reply) {
    reply.C = args.A + args.B;
  }
}
