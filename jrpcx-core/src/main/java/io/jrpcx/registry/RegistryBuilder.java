package io.jrpcx.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * What the builders of every register plugin and discovery share: the registry prefix, rpcx's
 * {@code basePath}, {@code /rpcx_test} unless set (the rpcx examples' value). Each registry spells
 * the prefix in its own key layout (ZooKeeper and Consul drop a leading slash, etcd keeps it as
 * written, Redis doubles it), so the value is taken as given here and normalised by the module.
 *
 * <p>Self-typed as Armeria's {@code AbstractCuratorFrameworkBuilder} is, so that a module's
 * builder returns its own type from the inherited setters:
 * {@code EtcdRegisterPlugin.builder().basePath("/prod").endpoints(...)}.
 *
 * @param <B> the concrete builder
 */
public abstract class RegistryBuilder<B extends RegistryBuilder<B>> {
  /** The base path when none is set. */
  public static final String DEFAULT_BASE_PATH = "/rpcx_test";

  private String basePath = DEFAULT_BASE_PATH;

  RegistryBuilder() {}

  /** The registry prefix; {@code /rpcx_test} by default. */
  public B basePath(String basePath) {
    this.basePath = Objects.requireNonNull(basePath, "basePath");
    return self();
  }

  /** The base path set, as given. */
  protected final String basePath() {
    return basePath;
  }

  /**
   * {@code path} without its leading and trailing slashes: {@code /rpcx_test/} is
   * {@code rpcx_test}, as Consul keys and ZooKeeper's libkv spell a base path.
   */
  public static String trimSlashes(String path) {
    int from = 0;
    int to = path.length();
    while (from < to && path.charAt(from) == '/') {
      from++;
    }
    while (to > from && path.charAt(to - 1) == '/') {
      to--;
    }
    return path.substring(from, to);
  }

  /**
   * {@code d}, checked for a setter of a timeout or TTL.
   *
   * @throws IllegalArgumentException unless {@code d} is positive
   */
  protected static Duration positive(Duration d, String name) {
    if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }

  /** This builder as its own type, for the setters to return. */
  @SuppressWarnings("unchecked")
  protected final B self() {
    return (B) this;
  }
}
