package io.jrpcx.examples;

import io.jrpcx.server.Server;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * One server of {@link Soak}, in a JVM of its own so that the soak can kill it with SIGKILL.
 * Serves Arith on {@code 127.0.0.1:<port>} (0 for any), prints {@code READY <address> <pid>}, and
 * answers commands on its standard input: {@code gc} runs a full GC and prints {@code HEAP <used
 * bytes>}. Ends when its standard input closes.
 */
public final class SoakServer {
  private SoakServer() {}

  public static void main(String[] args) throws Exception {
    Server server = ArithServer.start("127.0.0.1:" + (args.length > 0 ? args[0] : "0"));
    System.out.println("READY " + server.address() + " " + ProcessHandle.current().pid());
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.equals("gc")) {
        System.out.println("HEAP " + Soak.heapAfterFullGc());
        System.out.flush();
      }
    }
    server.close();
  }
}
