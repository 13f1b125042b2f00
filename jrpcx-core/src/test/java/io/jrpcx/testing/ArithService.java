package io.jrpcx.testing;

import io.jrpcx.Context;
import io.jrpcx.ServiceException;
import io.jrpcx.server.ServerContext;

/**
 * The service the Go interop vectors were recorded against ({@code arith-server}), in rpcx style:
 * Mul, Add, Div, Error and MulMeta with the same results and error texts as the Go original.
 */
public class ArithService {

  public void mul(Context ctx, Args args, Reply reply) {
    reply.C = args.A * args.B;
  }

  public void add(Context ctx, Args args, Reply reply) {
    reply.C = args.A + args.B;
  }

  public void div(Context ctx, Args args, Reply reply) {
    if (args.B == 0) {
      throw new ServiceException("divide by zero");
    }
    reply.C = args.A / args.B;
  }

  /** Fills the reply, then fails: Go still sends the reply in the payload of the error. */
  public void error(Context ctx, Args args, Reply reply) {
    reply.C = args.A * args.B;
    throw new ServiceException("arith: intentional error (A*B=" + reply.C + ")");
  }

  /** Mul that copies the request metadata into the response metadata. */
  public void mulMeta(ServerContext ctx, Args args, Reply reply) {
    reply.C = args.A * args.B;
    ctx.responseMetadata().putAll(ctx.metadata());
  }
}
