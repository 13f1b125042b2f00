package io.jrpcx.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A one-line description of the machine, from {@code /proc} and the JVM. */
final class Machine {
  private Machine() {}

  static String describe() {
    String cpu = "unknown CPU";
    String mem = "";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
      List<String> meminfo = Files.readAllLines(Path.of("/proc/meminfo"));
      for (String line : meminfo) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("\\D+", ""));
          mem = String.format(Locale.ROOT, ", %.1f GiB RAM", kb / (1024.0 * 1024.0));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: keep what we have
    }
    return String.format(
        Locale.ROOT,
        "%d CPUs (%s)%s, %s %s, Java %s (%s), epoll %s",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        mem,
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        io.jrpcx.internal.NettyTransport.isEpoll());
  }
}
