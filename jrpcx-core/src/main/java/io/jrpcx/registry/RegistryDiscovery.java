package io.jrpcx.registry;

import io.jrpcx.client.discovery.AbstractServiceDiscovery;
import java.util.Objects;

/**
 * The base of the registry modules' discoveries: the base path and service they follow, and
 * rpcx's templates, discoveries without a service that list nothing and make one discovery per
 * service with {@link #clone(String)}, as {@link io.jrpcx.client.OneClient} needs. Publishing
 * nodes, filters and watchers are {@link AbstractServiceDiscovery}'s.
 */
public abstract class RegistryDiscovery extends AbstractServiceDiscovery {
  private final String basePath;
  private final String servicePath;

  /**
   * @param basePath the registry prefix, as the module spells it
   * @param servicePath the service followed, or null for a template
   */
  protected RegistryDiscovery(String basePath, String servicePath) {
    this.basePath = Objects.requireNonNull(basePath, "basePath");
    this.servicePath = servicePath;
  }

  /** The registry prefix followed, as the module spells it in its key layout. */
  public final String basePath() {
    return basePath;
  }

  /** The service followed, or null for a template. */
  public final String servicePath() {
    return servicePath;
  }

  /** Whether this discovery is a template: no service, nothing listed. */
  protected final boolean isTemplate() {
    return servicePath == null;
  }

  /**
   * {@code servicePath}, checked for a {@link #clone(String)}: not null, and this discovery not
   * closed.
   */
  protected final String cloneable(String servicePath) {
    Objects.requireNonNull(servicePath, "servicePath");
    if (isClosed()) {
      throw new IllegalStateException(this + " is closed");
    }
    return servicePath;
  }
}
