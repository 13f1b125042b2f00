package io.jrpcx.examples;

import io.jrpcx.Context;
import io.jrpcx.ServiceException;

/**
 * The Arith service of rpcx's examples, in rpcx style: {@code Mul}, {@code Add}, and {@code Error},
 * which always fails. A Go rpcx client calls it exactly as it calls the Go version.
 */
public class Arith {

  public void mul(Context ctx, Args args, Reply reply) {
    reply.C = args.A * args.B;
  }

  public void add(Context ctx, Args args, Reply reply) {
    reply.C = args.A + args.B;
  }

  public void error(Context ctx, Args args, Reply reply) {
    throw new ServiceException("Arith.Error always fails");
  }
}
