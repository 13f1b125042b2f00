package io.jrpcx.cli;

import io.jrpcx.RpcException;
import io.jrpcx.client.Call;
import io.jrpcx.client.Client;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jrpcx call}: one call, the reply printed as JSON. */
@Command(
    name = "call",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = Jrpcx.Version.class,
    customSynopsis = {
      "jrpcx call [OPTIONS] ADDRESS SERVICE.METHOD [ARGS]",
      "jrpcx call [OPTIONS] --registry URL [--base-path PATH] SERVICE.METHOD [ARGS]"
    },
    description =
        "Call SERVICE.METHOD once and print the reply as JSON (raw: as text). With --registry the"
            + " server is an active node of the service found there.",
    footer = {
      "",
      "Examples:",
      "  jrpcx call tcp@127.0.0.1:8972 Arith.Mul '{\"A\":10,\"B\":20}'",
      "  jrpcx call --registry etcd://127.0.0.1:2379 --base /rpcx_test Arith.Mul"
          + " '{\"A\":10,\"B\":20}'%n"
    })
final class CallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RpcOptions rpc;

  @Option(names = "--pretty", description = "indent the JSON reply")
  boolean pretty;

  @Option(
      names = "--show-meta",
      description = "print the response metadata, one key=value a line, on stderr")
  boolean showMeta;

  @Override
  public Integer call() {
    rpc.validate();
    byte[] payload = rpc.payload(System.in);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Client client = rpc.connect()) {
      Call<byte[]> call =
          client.go(rpc.context(), rpc.service(), rpc.method(), payload, byte[].class);
      byte[] reply;
      try {
        reply = call.await();
      } catch (RpcException e) {
        throw rpc.callFailure(e);
      } finally {
        if (showMeta) {
          for (Map.Entry<String, String> e : call.responseMetadata().entrySet()) {
            err.println(e.getKey() + "=" + e.getValue());
          }
          err.flush();
        }
      }
      byte[] bytes = reply == null ? new byte[0] : reply;
      if (rpc.codec.rendersAsBase64(bytes)) {
        err.println("(the reply is not UTF-8 text: printed as base64)");
        err.flush();
      }
      out.println(rpc.codec.render(bytes, pretty));
      out.flush();
    }
    return ExitCodes.OK;
  }
}
