package io.jrpcx.registry;

import java.util.Objects;

/**
 * The settings every registry discovery with a key layout has: the base path (see
 * {@link RegistryBuilder}) and the service to follow. Without a service the discovery is a
 * template that lists nothing and makes one discovery per service with {@code clone}, as
 * {@link io.jrpcx.client.OneClient} needs (Go's {@code New...DiscoveryTemplate}).
 *
 * @param <B> the concrete builder
 */
public abstract class DiscoveryBuilder<B extends DiscoveryBuilder<B>> extends RegistryBuilder<B> {
  private String servicePath;

  protected DiscoveryBuilder() {}

  /** The service to follow, e.g. {@code Arith}; without one the discovery is a template. */
  public B servicePath(String servicePath) {
    this.servicePath = Objects.requireNonNull(servicePath, "servicePath");
    return self();
  }

  /** The service set, or null for a template. */
  protected final String servicePath() {
    return servicePath;
  }
}
