package io.jrpcx.cli;

import io.jrpcx.ConnectionException;
import io.jrpcx.Context;
import io.jrpcx.DeadlineExceededException;
import io.jrpcx.RpcException;
import io.jrpcx.ServiceException;
import io.jrpcx.client.Client;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.codec.Codecs;
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
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code call} and {@code bench} share: the server, the method, the arguments and how to send
 * them, and the connection made from them.
 */
final class RpcOptions {
  @Parameters(
      index = "0",
      paramLabel = "ADDRESS",
      description = "the server: tcp@host:port, unix@/path/to.sock or host:port")
  String address;

  @Parameters(
      index = "1",
      paramLabel = "SERVICE.METHOD",
      description = "e.g. Arith.Mul; split at the last dot")
  String serviceMethod;

  @Parameters(
      index = "2",
      arity = "0..1",
      paramLabel = "ARGS",
      description =
          "the argument as JSON (for --codec raw: the text sent as it is); '-' reads "
              + "standard input; default {} (raw: empty)")
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
          "deadline of each call, sent as __ServerTimeout; also bounds connecting "
              + "(default: ${DEFAULT-VALUE})")
  Duration timeout;

  private Target target;
  private String service;
  private String method;

  /** Checks the positional arguments; a bad address or method name is a usage error. */
  void validate() {
    target = Target.parse(address);
    int dot = serviceMethod.lastIndexOf('.');
    if (dot <= 0 || dot == serviceMethod.length() - 1) {
      throw new CliException(
          ExitCodes.USAGE, "'" + serviceMethod + "' is not SERVICE.METHOD (e.g. Arith.Mul)");
    }
    service = serviceMethod.substring(0, dot);
    method = serviceMethod.substring(dot + 1);
    DurationConverter.requirePositive(timeout, "--timeout");
  }

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
   * Connects to the server. The client passes the pre-encoded payload and the reply bytes
   * through; its breaker is off, so every failure reported is the server's or the network's.
   */
  Client connect() {
    int type = codec.serializeType();
    ClientOptions options =
        ClientOptions.builder()
            .serializeType(type)
            .codecs(Codecs.defaults().toBuilder().add(new PreEncodedCodec(type)).build())
            .connectTimeout(timeout)
            .breaker(null)
            .build();
    Client client = new Client(options);
    try {
      client.connect(target.network(), target.address());
    } catch (ConnectionException e) {
      client.close();
      throw new CliException(
          ExitCodes.UNREACHABLE, "cannot connect to " + target + ": " + connectFailure(e), e);
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
