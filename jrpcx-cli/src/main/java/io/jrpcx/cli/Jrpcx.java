package io.jrpcx.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.LogManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code jrpcx} command: {@code call}, {@code list}, {@code bench} and {@code console}. Run it as
 * {@code bin/jrpcx ...} or {@code java -jar jrpcx-cli/target/jrpcx-cli.jar ...}.
 *
 * <pre>
 * jrpcx call tcp@127.0.0.1:8972 Arith.Mul '{"A":10,"B":20}'
 * jrpcx list --registry etcd://127.0.0.1:2379 --base-path /rpcx_test
 * jrpcx bench tcp@127.0.0.1:8972 Arith.Mul '{"A":10,"B":20}' -c 64 -d 30s
 * jrpcx console --registry etcd://127.0.0.1:2379 --listen 127.0.0.1:8080
 * </pre>
 *
 * <p>Exit status: 0 success, 1 an rpcx error answered by the server, 2 bad usage or bad JSON,
 * 3 server or registry unreachable, 4 no answer within the timeout.
 */
@Command(
    name = "jrpcx",
    mixinStandardHelpOptions = true,
    versionProvider = Jrpcx.Version.class,
    subcommands = {
      CallCommand.class,
      ListCommand.class,
      BenchCommand.class,
      ConsoleCommand.class,
      CommandLine.HelpCommand.class
    },
    description =
        "Call, list and benchmark rpcx services (jrpcx and Go rpcx alike), and serve the web"
            + " console over a registry.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the call succeeded",
      "1:the server answered an rpcx error (printed as 'error: <message>')",
      "2:bad command line or bad JSON arguments",
      "3:cannot connect to the server or registry, or the connection was lost",
      "4:no answer within --timeout"
    })
public final class Jrpcx implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "show the libraries' debug logging on stderr")
  boolean verbose;

  Jrpcx() {}

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    configureLogging(
        Arrays.asList(args).contains("-v") || Arrays.asList(args).contains("--verbose"));
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(commandLine(out, err).execute(args));
  }

  /** The command line writing to {@code out} and {@code err}, as the tests run it. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Jrpcx());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(Jrpcx::usageError);
    cl.setExecutionExceptionHandler((e, line, parsed) -> failed(e, line));
    return cl;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  private static int usageError(ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("error: " + e.getMessage());
    err.println("see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
    err.flush();
    return ExitCodes.USAGE;
  }

  private static int failed(Exception e, CommandLine line) {
    PrintWriter err = line.getErr();
    int code;
    if (e instanceof CliException c) {
      err.println("error: " + c.getMessage());
      code = c.exitCode();
    } else {
      err.println("error: " + e);
      code = ExitCodes.REMOTE_ERROR;
    }
    if (((Jrpcx) line.getCommandSpec().root().userObject()).verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  /**
   * Quiet by default: the command prints its own messages, and libraries (ZooKeeper, gRPC under
   * etcd, Netty) would otherwise log connection retries. Must run before any logger exists.
   */
  static void configureLogging(boolean verbose) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "off");
    // gRPC (under jetcd) logs through java.util.logging.
    LogManager.getLogManager().getLogger("").setLevel(verbose ? Level.FINE : Level.OFF);
  }

  /** The version from the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Jrpcx.class.getPackage().getImplementationVersion();
      return new String[] {"jrpcx " + (v == null ? "(development build)" : v)};
    }
  }
}
