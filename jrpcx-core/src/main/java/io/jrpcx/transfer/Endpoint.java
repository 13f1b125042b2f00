package io.jrpcx.transfer;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The side-channel listener's settings, shared by {@link FileTransfer} and {@link StreamService}.
 */
final class Endpoint {
  String address = "127.0.0.1:0";
  String advertiseAddress;
  int waitNum = 1024;
  Duration tokenExpiry = Duration.ofSeconds(60);
  Duration tokenReadTimeout = Duration.ofSeconds(10);
  Duration idleTimeout;
  int maxConnections = 64;
  boolean tls;

  /** Nanosecond clock for token expiry; tests replace it. */
  LongSupplier ticker = System::nanoTime;

  Endpoint(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
  }

  Endpoint copy() {
    Endpoint e = new Endpoint(idleTimeout);
    e.address = address;
    e.advertiseAddress = advertiseAddress;
    e.waitNum = waitNum;
    e.tokenExpiry = tokenExpiry;
    e.tokenReadTimeout = tokenReadTimeout;
    e.maxConnections = maxConnections;
    e.tls = tls;
    e.ticker = ticker;
    return e;
  }

  static String hostPort(String address, String what) {
    Objects.requireNonNull(address, what);
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(what + " must be host:port, not " + address);
    }
    try {
      int port = Integer.parseInt(address.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(what + " has no valid port: " + address);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " has no valid port: " + address, e);
    }
    return address;
  }

  static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, not " + d);
    }
    return d;
  }

  static Duration notNegative(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative, not " + d);
    }
    return d;
  }

  static int atLeastOne(int n, String what) {
    if (n < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, not " + n);
    }
    return n;
  }
}
