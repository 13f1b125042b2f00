package io.jrpcx.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.jrpcx.registry.RegistryAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the plugin and the discovery share: key encoding, bounded waits, error classification. */
final class Etcd {
  /** Value of the basePath key, as Go rpcx writes it. */
  static final String BASE_PATH_VALUE = "rpcx_path";

  private Etcd() {}

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /**
   * jetcd's endpoints for what a builder was given: {@code http://h:p} URLs as they are, and each
   * host of an {@code etcd://h:p[,h:p]} registry address as {@code http://h:p}.
   */
  static List<String> endpoints(String... given) {
    List<String> out = new ArrayList<>();
    for (String e : given) {
      Objects.requireNonNull(e, "endpoint");
      if (RegistryAddress.isUrl(e) && !e.startsWith("http://") && !e.startsWith("https://")) {
        for (String host : RegistryAddress.parse(e).hostsFor(2379, "etcd")) {
          out.add("http://" + host);
        }
      } else {
        out.add(e);
      }
    }
    return List.copyOf(out);
  }

  /** A client of the cluster at {@code endpoints}, e.g. {@code http://127.0.0.1:2379}. */
  static Client newClient(List<String> endpoints) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no etcd endpoint given");
    }
    return Client.builder().endpoints(endpoints.toArray(new String[0])).build();
  }

  /**
   * Waits for {@code f} at most {@code timeout}. jetcd waits for a connection before it sends a
   * request, so without a bound a call made while etcd is down would block until it is back.
   */
  static <T> T await(CompletableFuture<T> f, Duration timeout) throws Exception {
    try {
      return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof Exception ? (Exception) cause : e;
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new TimeoutException("etcd did not answer within " + timeout);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw e;
    }
  }

  /** Whether {@code t} says the lease is gone: revoked, expired, or lost with etcd's data. */
  static boolean isLeaseNotFound(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && m.contains("lease not found")) {
        return true;
      }
    }
    return false;
  }
}
