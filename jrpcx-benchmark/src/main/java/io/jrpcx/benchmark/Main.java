package io.jrpcx.benchmark;

import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar jrpcx-benchmark.jar [all] [options]} runs the side-by-side benchmark (see
 * {@link Options#USAGE}); {@code java -jar jrpcx-benchmark.jar jmh [JMH options]} runs the JMH
 * micro-benchmarks of {@code io.jrpcx.benchmark.jmh}; {@code java -jar jrpcx-benchmark.jar transfer}
 * runs {@link TransferBench}, file transfer over the side channel beside a plain socket copy.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("jmh")) {
      org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && args[0].equals("transfer")) {
      TransferBench.main(Arrays.copyOfRange(args, 1, args.length));
      System.exit(0);
      return;
    }
    if (args.length > 0 && args[0].equals("server")) {
      ServerMain.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.println(Options.USAGE);
      return;
    }
    List<Row> rows = new Runner(options, System.out, System.err).run();
    boolean anyFailed = rows.stream().anyMatch(Row::failed);
    // Client libraries leave non-daemon threads behind (Dubbo, gRPC): exit explicitly.
    System.exit(anyFailed ? 1 : 0);
  }
}
