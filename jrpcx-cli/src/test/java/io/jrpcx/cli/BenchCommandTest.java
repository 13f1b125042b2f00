package io.jrpcx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.ServiceException;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BenchCommandTest {
  private static final Pattern CALLS =
      Pattern.compile("calls +([\\d,]+) \\(([\\d,]+) ok, ([\\d,]+) errors\\)");

  /** Fails every third call, so that a run has both successes and errors. */
  public static class Flaky {
    private final AtomicLong calls = new AtomicLong();

    public Reply mul(Args args) {
      if (calls.incrementAndGet() % 3 == 0) {
        throw new ServiceException("every third call fails");
      }
      return new Reply(args.A * args.B);
    }
  }

  @RegisterExtension
  final TestServer server = TestServer.create(b -> {}, s -> s.register("Flaky", new Flaky(), ""));

  @Test
  void aFixedNumberOfCallsIsMadeAndReported() {
    Cli.Result r =
        Cli.run(
            "bench",
            "tcp@" + server.address(),
            "Arith.Mul",
            "{\"A\":10,\"B\":20}",
            "-n",
            "2000",
            "-c",
            "8",
            "-k",
            "2");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    long[] counts = counts(r);
    assertThat(counts).containsExactly(2000, 2000, 0);
    assertThat(r.out())
        .contains(
            "Arith.Mul on tcp@"
                + server.address()
                + ": msgpack, 8 callers, "
                + "2 connections, 2000 calls");
    assertThat(r.out()).containsPattern("throughput +[\\d,]+ calls/s");
    assertThat(r.out())
        .containsPattern(
            "latency +mean \\S+ +p50 \\S+ +p90 \\S+ +p99 \\S+ +p99\\.9 \\S+ +max \\S+");
    assertThat(r.out()).contains("histogram").containsPattern("\\|#+ *\\| +\\d+\\.\\d\\d%");
  }

  @Test
  void errorsAreCountedAndTheirTextShown() {
    Cli.Result r =
        Cli.run(
            "bench",
            "tcp@" + server.address(),
            "Flaky.Mul",
            "{\"A\":2,\"B\":3}",
            "-n",
            "900",
            "-c",
            "4",
            "--codec",
            "json");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.REMOTE_ERROR);
    long[] counts = counts(r);
    assertThat(counts[0]).isEqualTo(900);
    assertThat(counts[1] + counts[2]).isEqualTo(counts[0]);
    assertThat(counts[2]).isEqualTo(300);
    assertThat(r.out()).containsPattern("\\s300 {2}every third call fails");
  }

  @Test
  void aTimedRunPrintsProgressAndCountsEveryCall() {
    Cli.Result r =
        Cli.run(
            "bench",
            "tcp@" + server.address(),
            "Flaky.Mul",
            "{\"A\":2,\"B\":3}",
            "-d",
            "3s",
            "-c",
            "4",
            "--warmup",
            "200ms");
    long[] counts = counts(r);
    assertThat(counts[0]).as(r.toString()).isPositive();
    assertThat(counts[1] + counts[2]).isEqualTo(counts[0]);
    // The first progress line comes a second in, well before the run ends.
    assertThat(r.out())
        .containsPattern("(?m)^ +1s +[\\d,]+ calls +[\\d,]+ calls/s +[\\d,]+ errors$");
  }

  @Test
  void callsAndDurationExcludeEachOther() {
    Cli.Result r = Cli.run("bench", "tcp@" + server.address(), "Arith.Mul", "-n", "10", "-d", "1s");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("mutually exclusive");
  }

  /** Calls, successes and errors from the report. */
  private static long[] counts(Cli.Result r) {
    Matcher m = CALLS.matcher(r.out());
    assertThat(m.find()).as(r.toString()).isTrue();
    return new long[] {num(m.group(1)), num(m.group(2)), num(m.group(3))};
  }

  private static long num(String s) {
    return Long.parseLong(s.replace(",", ""));
  }
}
