package io.jrpcx.cli;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.RpcException;
import io.jrpcx.ServiceException;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.codec.Codecs;
import io.jrpcx.codec.RawCodec;
import io.jrpcx.protocol.Message;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code call} and {@code bench} share: the server, the method, the arguments and how to send
 * them, and the connection made from them.
 */
final class RpcOptions {
  @Parameters(
      arity = "1..3",
      paramLabel = "ARG",
      description = {
        "[ADDRESS] SERVICE.METHOD [ARGS]",
        "ADDRESS: the server, tcp@host:port, unix@/path/to.sock or host:port; left out with"
            + " --registry",
        "SERVICE.METHOD: e.g. Arith.Mul; split at the last dot",
        "ARGS: the argument as JSON (for --codec raw: the text sent as it is); '-' reads standard"
            + " input; default {} (raw: empty)"
      })
  List<String> positionals;

  @Option(
      names = "--registry",
      paramLabel = "URL",
      description =
          "find the server in this registry instead of an ADDRESS: zookeeper://host:port[,...],"
              + " etcd://host:port[,...], consul://host:port or redis://[:password@]host:port[/db]")
  String registry;

  @Option(
      names = {"--base-path", "--base"},
      defaultValue = "/rpcx_test",
      paramLabel = "PATH",
      description = "with --registry: the servers' base path (default: ${DEFAULT-VALUE})")
  String basePath;

  String address;
  String serviceMethod;
  String args;

  @Option(
      names = "--codec",
      defaultValue = "msgpack",
      paramLabel = "msgpack|json|raw",
      description = "payload codec (default: ${DEFAULT-VALUE}, as Go rpcx clients)")
  PayloadFormat codec;

  @Option(
      names = "--meta",
      paramLabel = "KEY=VALUE",
      description = "request metadata; repeat for more")
  Map<String, String> meta = new LinkedHashMap<>();

  @Option(names = "--auth", paramLabel = "TOKEN", description = "auth token, sent as __AUTH")
  String auth;

  @Option(
      names = "--timeout",
      defaultValue = "10s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "deadline of each call, sent as __ServerTimeout; also bounds connecting and reading the"
              + " registry (default: ${DEFAULT-VALUE})")
  Duration timeout;

  private Target target;
  private List<Target> nodes;
  private String service;
  private String method;

  /** Checks the positional arguments; a bad address or method name is a usage error. */
  void validate() {
    int at = 0;
    if (registry == null) {
      if (positionals.size() < 2) {
        throw new CliException(
            ExitCodes.USAGE,
            "give ADDRESS SERVICE.METHOD [ARGS], or --registry URL SERVICE.METHOD");
      }
      address = positionals.get(at++);
      target = Target.parse(address);
    } else if (positionals.size() > 2) {
      throw new CliException(
          ExitCodes.USAGE,
          "with --registry give SERVICE.METHOD [ARGS], not an address too: '"
              + positionals.get(0)
              + "'");
    }
    serviceMethod = positionals.get(at++);
    args = at < positionals.size() ? positionals.get(at) : null;
    int dot = serviceMethod.lastIndexOf('.');
    if (dot <= 0 || dot == serviceMethod.length() - 1) {
      throw new CliException(
          ExitCodes.USAGE, "'" + serviceMethod + "' is not SERVICE.METHOD (e.g. Arith.Mul)");
    }
    service = serviceMethod.substring(0, dot);
    method = serviceMethod.substring(dot + 1);
    DurationConverter.requirePositive(timeout, "--timeout");
  }

  /** The server: the ADDRESS given, or the node of the registry last connected to. */
  Target target() {
    return target;
  }

  String service() {
    return service;
  }

  String method() {
    return method;
  }

  /** The arguments in the chosen codec, encoded once. */
  byte[] payload(InputStream stdin) {
    String text = args == null ? codec.defaultArgs() : args;
    if ("-".equals(text)) {
      try {
        text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return codec.encode(text);
  }

  /** A context with the deadline, the metadata and the auth token. */
  Context context() {
    Context ctx = Context.background().withTimeout(timeout);
    if (!meta.isEmpty()) {
      ctx = ctx.withMetadata(meta);
    }
    return auth == null ? ctx : ctx.withMetadata(Message.AUTH_KEY, auth);
  }

  /**
   * Connects to the server, or with {@code --registry} to one active node of the service, tried in
   * random order until one accepts. The client passes the pre-encoded payload and the reply bytes
   * through; its breaker is off, so every failure reported is the server's or the network's.
   */
  Client connect() {
    if (registry == null) {
      return connect(target);
    }
    List<Target> candidates = new ArrayList<>(nodes());
    Collections.shuffle(candidates);
    List<String> failures = new ArrayList<>();
    for (Target node : candidates) {
      try {
        Client c = connect(node);
        target = node;
        return c;
      } catch (CliException e) {
        if (e.exitCode() != ExitCodes.UNREACHABLE) {
          throw e;
        }
        failures.add(e.getMessage());
      }
    }
    throw new CliException(
        ExitCodes.UNREACHABLE,
        "no node of "
            + service
            + " in "
            + registry
            + " accepted a connection: "
            + String.join("; ", failures));
  }

  /**
   * The active nodes of the service under the base path, read once: a node whose metadata says
   * {@code state=inactive} is left out, as rpcx clients leave it, and so is one on a network this
   * command cannot dial.
   */
  List<Target> nodes() {
    if (nodes != null) {
      return nodes;
    }
    Map<String, String> found;
    try (Registry r = Registry.open(registry, timeout)) {
      found = r.nodes(basePath, service);
    } catch (CliException e) {
      throw e;
    } catch (Exception e) {
      throw Registry.unreachable(registry, timeout, e);
    }
    List<Target> active = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Map.Entry<String, String> node : found.entrySet()) {
      if (ListCommand.metadata(node.getValue()).contains("state=inactive")) {
        skipped.add(node.getKey() + " (inactive)");
        continue;
      }
      try {
        active.add(Target.parse(node.getKey()));
      } catch (CliException e) {
        skipped.add(node.getKey() + " (" + e.getMessage() + ")");
      }
    }
    if (active.isEmpty()) {
      throw new CliException(
          ExitCodes.UNREACHABLE,
          (found.isEmpty()
              ? "no node of " + service + " under " + basePath + " in " + registry
              : "no usable node of "
                  + service
                  + " under "
                  + basePath
                  + " in "
                  + registry
                  + ": "
                  + String.join(", ", skipped)));
    }
    nodes = List.copyOf(active);
    return nodes;
  }

  private Client connect(Target to) {
    int type = codec.serializeType();
    ClientOptions options =
        ClientOptions.builder()
            .serializeType(type)
            .codecs(Codecs.defaults().toBuilder().add(RawCodec.passThrough(type)).build())
            .connectTimeout(timeout)
            .breaker(null)
            .build();
    Client client = new Client(options);
    try {
      client.connect(to.network(), to.address());
    } catch (ConnectionException e) {
      client.close();
      throw new CliException(
          ExitCodes.UNREACHABLE, "cannot connect to " + to + ": " + connectFailure(e), e);
    } catch (IllegalArgumentException e) {
      client.close();
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    }
    return client;
  }

  /** Why connecting failed, in a few words. */
  private String connectFailure(ConnectionException e) {
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof ConnectTimeoutException) {
        return "no answer within " + DurationConverter.format(timeout);
      }
      if (c instanceof ConnectException) {
        return "connection refused";
      }
      if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
        return "unknown host";
      }
    }
    Throwable root = e.getCause() == null ? e : e.getCause();
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /** A failed call as the command line reports it, with the exit code it deserves. */
  CliException callFailure(RpcException e) {
    if (e instanceof ServiceException) {
      return new CliException(ExitCodes.REMOTE_ERROR, e.getMessage(), e);
    }
    if (e instanceof DeadlineExceededException) {
      return new CliException(
          ExitCodes.TIMEOUT,
          serviceMethod + " did not answer within " + DurationConverter.format(timeout),
          e);
    }
    if (e instanceof ConnectionException) {
      return new CliException(
          ExitCodes.UNREACHABLE, "connection to " + target + " failed: " + e.getMessage(), e);
    }
    return new CliException(ExitCodes.REMOTE_ERROR, e.getMessage(), e);
  }
}
