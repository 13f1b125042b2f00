package io.jrpcx.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings every register plugin has, validated once, here: the address this server is
 * dialled at, the registry prefix and how often entries are refreshed. A module's builder adds its
 * registry's connection settings and passes itself to its plugin's constructor, which hands it to
 * {@link AbstractRegisterPlugin#AbstractRegisterPlugin(RegisterPluginBuilder)}.
 *
 * @param <B> the concrete builder
 */
public abstract class RegisterPluginBuilder<B extends RegisterPluginBuilder<B>>
    extends RegistryBuilder<B> {
  private String serviceAddress;
  private Duration updateInterval;

  /** A builder whose update interval is {@code defaultUpdateInterval} unless set. */
  protected RegisterPluginBuilder(Duration defaultUpdateInterval) {
    this.updateInterval = nonNegative(defaultUpdateInterval);
  }

  /**
   * This server as clients dial it, {@code network@host:port}, e.g. {@code tcp@10.0.0.5:8972}.
   * Without it the plugin registers the address the server listens on, once it listens, so a
   * server started on port 0 registers the port it got; set it when the server listens on a
   * wildcard address (0.0.0.0) or clients reach it through another address.
   *
   * @throws IllegalArgumentException when it has no {@code network@} part: rpcx clients read the
   *     network from it
   */
  public B serviceAddress(String serviceAddress) {
    Objects.requireNonNull(serviceAddress, "serviceAddress");
    if (serviceAddress.indexOf('@') <= 0) {
      throw new IllegalArgumentException(
          "serviceAddress must be network@host:port, was '" + serviceAddress + "'");
    }
    this.serviceAddress = serviceAddress;
    return self();
  }

  /**
   * How often the plugin rewrites its entries with the {@code calls} and {@code connections}
   * rates (and renews whatever keeps them alive); zero disables the loop, as in Go, which for
   * most registries also means entries that never expire.
   */
  public B updateInterval(Duration updateInterval) {
    this.updateInterval = nonNegative(updateInterval);
    return self();
  }

  /** The service address set, or null for the server's own once it listens. */
  protected final String serviceAddress() {
    return serviceAddress;
  }

  /** The update interval set, or the default. */
  protected final Duration updateInterval() {
    return updateInterval;
  }

  private static Duration nonNegative(Duration d) {
    if (Objects.requireNonNull(d, "updateInterval").isNegative()) {
      throw new IllegalArgumentException("updateInterval must not be negative, was " + d);
    }
    return d;
  }
}
