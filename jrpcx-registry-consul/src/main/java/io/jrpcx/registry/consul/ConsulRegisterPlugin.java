package io.jrpcx.registry.consul;

import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.RegisterPluginBuilder;
import io.jrpcx.registry.RegistryBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a server's services in Consul's KV store in rpcx's layout, so that Go rpcx clients
 * ({@code rpcx-consul}'s {@code ConsulDiscovery}) and {@link ConsulDiscovery} find it. A server
 * with service address {@code tcp@10.0.0.5:8972} and base path {@code /rpcx_test} registering
 * {@code Arith} with metadata {@code weight=10&group=g1} writes, without leading slash:
 *
 * <pre>
 * rpcx_test                            = rpcx_path            (locked by its own session)
 * rpcx_test/Arith                      = Arith                (plain)
 * rpcx_test/Arith/tcp@10.0.0.5:8972    = weight=10&amp;group=g1  (locked by its own session)
 * </pre>
 *
 * All three carry Consul's lock flags ({@code 0x2ddccbc058a50c18}), as Go's libkv writes them.
 * Each session has behavior {@code delete}, a lock delay of 1 ms and a TTL of
 * {@code (updateInterval + expired) / 2} held within Consul's 10 s to 86 400 s; Consul only
 * invalidates a session after twice its TTL, so an entry outlives its server by at most
 * {@code updateInterval + expired}. The update loop renews the leaf sessions every
 * {@code updateInterval} and rewrites the leaf with fresh {@code calls} and {@code connections}
 * rates, keeping whatever else is in it (an operator's {@code state=inactive}, say), and
 * re-creates a leaf that is gone, e.g. after its session expired or Consul lost its data. The
 * base path's session is not renewed, as in Go, so Consul deletes that key when the session
 * expires, {@code updateInterval + expired} after {@link #start()}; clients never read it and the
 * next registration writes it again.
 *
 * <pre>{@code
 * ConsulRegisterPlugin consul = ConsulRegisterPlugin.builder()
 *     .consulAddress("127.0.0.1:8500")
 *     .serviceAddress("tcp@10.0.0.5:8972")
 *     .updateInterval(Duration.ofSeconds(10))
 *     .build();
 * consul.start();
 * Server server = Server.builder().plugin(consul).build();
 * server.register("Arith", new Arith(), "weight=10&group=g1");
 * server.start("tcp", "0.0.0.0:8972");
 * ...
 * server.shutdown(Duration.ofSeconds(10));   // removes the leaves first
 * consul.close();
 * }</pre>
 *
 * <p>With a zero {@code updateInterval} nothing is locked and nothing expires: the entries stay
 * until unregistered, as in Go. Talks to one Consul agent, over the JDK HTTP client.
 */
public final class ConsulRegisterPlugin extends AbstractRegisterPlugin {
  private static final Logger log = LoggerFactory.getLogger(ConsulRegisterPlugin.class);

  /** Consul rejects session TTLs outside 10 s to 24 h. */
  static final Duration CONSUL_MIN_SESSION_TTL = Duration.ofSeconds(10);

  static final Duration CONSUL_MAX_SESSION_TTL = Duration.ofSeconds(86_400);
  private static final Duration LOCK_DELAY = Duration.ofMillis(1);
  private static final String BASE_PATH_VALUE = "rpcx_path";

  private final ConsulHttp consul;
  private final String prefix;

  /** Null when the update interval is zero: entries are then plain keys. */
  private final Duration sessionTtl;

  // Guarded by the base's lock (underLock), under which every write runs, so that a refresh
  // never re-creates a leaf being unregistered.
  private final Map<String, String> leafSessions = new HashMap<>();
  private String basePathSession;

  private ConsulRegisterPlugin(Builder b) {
    super(b);
    this.prefix = RegistryBuilder.trimSlashes(basePath());
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("basePath must name a key, was '" + basePath() + "'");
    }
    this.consul =
        new ConsulHttp(ConsulHttp.newClient(b.requestTimeout), b.consulAddress, b.requestTimeout);
    Duration expired = b.expired == null ? updateInterval() : b.expired;
    this.sessionTtl =
        updateInterval().isZero()
            ? null
            : sessionTtl(updateInterval().plus(expired), b.minSessionTtl);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Half the entry TTL, as libkv asks Consul for it, held within what Consul accepts. */
  static Duration sessionTtl(Duration ttl, Duration floor) {
    Duration half = ttl.dividedBy(2);
    if (half.compareTo(floor) < 0) {
      return floor;
    }
    return half.compareTo(CONSUL_MAX_SESSION_TTL) > 0 ? CONSUL_MAX_SESSION_TTL : half;
  }

  /** The TTL of the sessions this plugin creates, or null when entries do not expire. */
  Duration sessionTtl() {
    return sessionTtl;
  }

  /** The Consul agent's base URL. */
  public String consulAddress() {
    return consul.address();
  }

  /**
   * Writes the base path key, locked by its own session as Go's {@code Start} does, then starts
   * the update loop. A Consul that cannot be reached is logged, not thrown: the update loop
   * writes the entries once it answers.
   */
  @Override
  public void start() {
    try {
      underLock(this::writeBasePathLocked);
    } catch (IOException e) {
      log.warn(
          "cannot write {} to Consul at {}; the update loop will retry",
          prefix,
          consul.address(),
          e);
    }
    super.start();
  }

  private void writeBasePathLocked() throws IOException {
    if (sessionTtl == null) {
      consul.put(prefix, BASE_PATH_VALUE, ConsulHttp.LOCK_FLAG_VALUE);
      return;
    }
    if (basePathSession == null) {
      basePathSession = consul.createSession("delete", sessionTtl, LOCK_DELAY);
    }
    if (!consul.acquire(prefix, basePathSession, BASE_PATH_VALUE, ConsulHttp.LOCK_FLAG_VALUE)) {
      // Another server's session holds it: the key is there, which is all clients need.
      consul.destroySession(basePathSession);
      basePathSession = null;
    }
  }

  @Override
  protected void doRegister(String serviceName, String metadata) throws IOException {
    writeDirsLocked(serviceName);
    writeLeafLocked(serviceName, metadata);
  }

  /** Go's {@code Register} writes both directory keys plainly; a plain write keeps a lock. */
  private void writeDirsLocked(String serviceName) throws IOException {
    consul.put(prefix, BASE_PATH_VALUE, ConsulHttp.LOCK_FLAG_VALUE);
    consul.put(prefix + "/" + serviceName, serviceName, ConsulHttp.LOCK_FLAG_VALUE);
  }

  private void writeLeafLocked(String serviceName, String value) throws IOException {
    String leaf = leaf(serviceName);
    if (sessionTtl == null) {
      consul.put(leaf, value, ConsulHttp.LOCK_FLAG_VALUE);
      return;
    }
    String session = leafSessions.get(serviceName);
    if (session == null) {
      session = consul.createSession("delete", sessionTtl, LOCK_DELAY);
      leafSessions.put(serviceName, session);
    }
    // Writing through acquire, not a plain put as libkv does, means the leaf is only ever
    // written while our live session holds it: it can never be left behind without a TTL.
    if (!consul.acquire(leaf, session, value, ConsulHttp.LOCK_FLAG_VALUE)) {
      log.warn(
          "{} is locked by another Consul session (an earlier run of this server?); "
              + "retrying when it expires",
          leaf);
    }
  }

  @Override
  protected void doUnregister(String serviceName) throws IOException {
    String session = leafSessions.remove(serviceName);
    try {
      consul.delete(leaf(serviceName));
    } finally {
      if (session != null) {
        // Go leaves the session to expire; destroying it keeps Consul's session list clean.
        consul.destroySession(session);
      }
    }
  }

  @Override
  protected void refresh(String serviceName, String metadataWithRates) throws IOException {
    try {
      refreshLeaf(serviceName);
    } catch (InterruptedIOException e) {
      // close() stops the update loop by interrupting it: not a failure worth a warning.
      Thread.currentThread().interrupt();
    }
  }

  private void refreshLeaf(String serviceName) throws IOException {
    String original = services().get(serviceName);
    if (original == null) {
      return; // unregistered while this refresh waited
    }
    String session = leafSessions.get(serviceName);
    if (session != null && !consul.renewSession(session)) {
      leafSessions.remove(serviceName); // expired, or lost with Consul's data
      session = null;
    }
    String leaf = leaf(serviceName);
    for (int attempt = 0; attempt < 3; attempt++) {
      ConsulHttp.Entry current = consul.get(leaf);
      if (current == null) {
        // Go re-creates a missing leaf with the registered metadata; the directory keys may be
        // gone as well when Consul lost its data.
        writeDirsLocked(serviceName);
        writeLeafLocked(serviceName, original);
        return;
      }
      // As Go: only calls and connections are replaced, the rest of the leaf is kept.
      String value = withRates(current.value());
      if (session == null || !session.equals(current.session())) {
        writeLeafLocked(serviceName, value); // not held by our live session: lock it again
        return;
      }
      // Go reads and writes back blindly, losing an operator's change made in between
      // (state=inactive, say); a check-and-set write reads again instead.
      if (consul.casPut(leaf, value, ConsulHttp.LOCK_FLAG_VALUE, current.modifyIndex())) {
        return;
      }
    }
    log.debug("{} kept changing while being refreshed; trying again in {}", leaf, updateInterval());
  }

  @Override
  protected void doClose() {
    underLock(
        () -> {
          for (String session : leafSessions.values()) {
            destroyQuietly(session);
          }
          leafSessions.clear();
          if (basePathSession != null) {
            destroyQuietly(basePathSession);
            basePathSession = null;
          }
        });
  }

  private void destroyQuietly(String session) {
    try {
      consul.destroySession(session);
    } catch (IOException e) {
      log.debug("cannot destroy Consul session {}; it expires by itself", session, e);
    }
  }

  /**
   * Stops talking to Consul at once, without removing anything: the entries then expire with
   * their sessions, as when the process dies. For tests.
   */
  void simulateCrash() {
    consul.abandon();
  }

  private String leaf(String serviceName) {
    return prefix + "/" + serviceName + "/" + serviceAddress();
  }

  @Override
  public String toString() {
    return "ConsulRegisterPlugin{"
        + consul.address()
        + ", "
        + prefix
        + ", "
        + serviceAddress()
        + "}";
  }

  /**
   * Settings of a {@link ConsulRegisterPlugin}; without {@code serviceAddress} the server's own
   * address is registered once it listens. A leading
   * slash of the base path is dropped, as in Go. The update interval (default one minute, the
   * rpcx examples' value) is how often the leaf sessions are renewed and the metadata rewritten;
   * zero writes plain keys that never expire.
   */
  public static final class Builder extends RegisterPluginBuilder<Builder> {
    private String consulAddress = "127.0.0.1:8500";
    private Duration expired;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration minSessionTtl = CONSUL_MIN_SESSION_TTL;

    private Builder() {
      super(Duration.ofMinutes(1));
    }

    /**
     * The Consul agent: {@code host:port}, an {@code http://} URL or a {@code consul://host:port}
     * registry address; default {@code 127.0.0.1:8500}.
     */
    public Builder consulAddress(String address) {
      ConsulHttp.baseUri(Objects.requireNonNull(address, "address"));
      this.consulAddress = address;
      return this;
    }

    /**
     * How long an entry may outlive its last renewal beyond {@code updateInterval}, Go's
     * {@code Expired}; defaults to {@code updateInterval}.
     */
    public Builder expired(Duration expired) {
      if (Objects.requireNonNull(expired, "expired").isNegative()) {
        throw new IllegalArgumentException("expired must not be negative");
      }
      this.expired = expired;
      return this;
    }

    /** Timeout of each Consul request, default 10 s. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * Lowers the 10 s floor of the session TTL, for tests against a stand-in that accepts shorter
     * TTLs; a real Consul rejects them.
     */
    Builder minSessionTtl(Duration floor) {
      this.minSessionTtl = Objects.requireNonNull(floor, "floor");
      return this;
    }

    public ConsulRegisterPlugin build() {
      return new ConsulRegisterPlugin(this);
    }
  }
}
