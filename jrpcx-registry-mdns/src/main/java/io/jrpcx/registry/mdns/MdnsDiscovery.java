package io.jrpcx.registry.mdns;

import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.Daemons;
import io.jrpcx.registry.RegistryDiscovery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the servers of one service over mDNS / DNS-SD, as Go rpcx's {@code MDNSDiscovery} does:
 * it multicasts Go's browse query (a PTR question for {@code _rpcxservices.local.}), caches the
 * PTR, SRV, TXT and A records of every response it sees (answers to anyone's query and
 * unsolicited announcements alike), decodes each instance's TXT (the URL-query-escaped JSON array
 * written by {@link MdnsRegisterPlugin} and by Go servers) and reports one node per entry, key
 * {@code service_address}, value {@code meta}.
 *
 * <p>Unlike Go, only the entries of this discovery's service are kept: Go reports every service
 * of every server as a node of whatever service it was asked for. A node appears as soon as its
 * server's TXT arrives and leaves when the server's goodbye (TTL 0) or a TXT without it arrives,
 * or when its records expire: a server that died without a goodbye stays listed for its records'
 * TTL (3200 s for Go and jrpcx servers unless configured). The query is sent again every
 * {@code watchInterval}, and whenever a cached record reaches 80% of its TTL, so live servers
 * never expire. Every change publishes the full list, sorted by key.
 *
 * <pre>{@code
 * MdnsDiscovery d = MdnsDiscovery.builder()
 *     .bindAddress(InetAddress.getByName("192.168.1.7"))
 *     .servicePath("Arith")
 *     .build();
 * XClient x = XClient.create("Arith", FailMode.FAILOVER, SelectMode.RANDOM_SELECT, d,
 *     ClientOptions.DEFAULT);
 * }</pre>
 *
 * <p>The constructor browses once, waiting at most {@code timeout} while no node is known. A
 * template and its clones share one socket and cache, closed with the last of them. IPv4 only.
 * Thread-safe.
 */
public final class MdnsDiscovery extends RegistryDiscovery {
  private static final Logger log = LoggerFactory.getLogger(MdnsDiscovery.class);

  /** How often expired records are dropped. */
  private static final long SWEEP_MILLIS = 250;

  private final Shared shared;
  private final Runnable listener = this::update;
  private final CountDownLatch found = new CountDownLatch(1);

  /** Whether this template opened the browser for {@link #everyService}; guarded by this. */
  private boolean browsingAll;

  private MdnsDiscovery(Shared shared, String servicePath) {
    super("", servicePath); // rpcx's mDNS layout has no base path
    this.shared = shared;
    if (servicePath == null) {
      shared.retain();
      return;
    }
    Browser browser;
    try {
      browser = shared.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start mDNS on " + shared.bindAddress, e);
    }
    browser.addListener(listener);
    update();
    shared.browse();
    try {
      found.await(shared.timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A discovery of {@code servicePath} with the default settings. */
  public static MdnsDiscovery create(String servicePath) {
    return builder().servicePath(servicePath).build();
  }

  /**
   * A discovery that browses nothing itself and makes one per service with
   * {@link #clone(String)}, for {@link io.jrpcx.client.OneClient}.
   */
  public static MdnsDiscovery template() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A discovery of {@code servicePath} with the same settings, socket and cache. */
  @Override
  public MdnsDiscovery clone(String servicePath) {
    return new MdnsDiscovery(shared, cloneable(servicePath));
  }

  /**
   * Every service the servers on the link announce, each with its nodes sorted by address: what
   * {@code jrpcx list} and the console show, since mDNS has no registry to list. The first call on
   * a template starts browsing and waits up to the timeout for a first answer; later calls, and
   * calls on a discovery of one service, read the cache the browse keeps up to date.
   *
   * @throws IllegalStateException when this discovery is closed
   * @throws UncheckedIOException when mDNS cannot be started on the interface
   */
  public SortedMap<String, List<KVPair>> everyService() {
    Browser b = browserForAll();
    List<Browser.Instance> instances = b.instances();
    instances.sort(Comparator.comparing(i -> i.name));
    SortedMap<String, List<KVPair>> out = new TreeMap<>();
    Map<String, Set<String>> seen = new HashMap<>();
    for (Browser.Instance i : instances) {
      for (RpcxTxt.Entry e : i.entries) {
        if (!e.serviceAddress().isEmpty()
            && seen.computeIfAbsent(e.service(), k -> new HashSet<>()).add(e.serviceAddress())) {
          out.computeIfAbsent(e.service(), k -> new ArrayList<>())
              .add(new KVPair(e.serviceAddress(), e.meta()));
        }
      }
    }
    out.values().forEach(nodes -> nodes.sort(Comparator.comparing(KVPair::key)));
    return out;
  }

  private synchronized Browser browserForAll() {
    if (isClosed()) {
      throw new IllegalStateException("mDNS discovery is closed");
    }
    if (!isTemplate() || browsingAll) {
      return shared.browser;
    }
    Browser b;
    try {
      b = shared.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start mDNS on " + shared.bindAddress, e);
    }
    browsingAll = true;
    CountDownLatch answered = new CountDownLatch(1);
    Runnable onAnswer =
        () -> {
          if (!b.instances().isEmpty()) {
            answered.countDown();
          }
        };
    b.addListener(onAnswer);
    try {
      shared.browse();
      if (b.instances().isEmpty()) {
        answered.await(shared.timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      b.removeListener(onAnswer);
    }
    return b;
  }

  @Override
  protected void doClose() {
    Browser b = shared.browser;
    if (!isTemplate() && b != null) {
      b.removeListener(listener);
    }
    synchronized (this) {
      if (browsingAll) {
        browsingAll = false;
        shared.release();
      }
    }
    shared.release();
  }

  private void update() {
    Browser b = shared.browser;
    if (b == null || isClosed()) {
      return;
    }
    List<KVPair> nodes = nodes(b.instances());
    publish(nodes);
    if (!nodes.isEmpty()) {
      found.countDown();
    }
  }

  private List<KVPair> nodes(List<Browser.Instance> instances) {
    // Sorted by instance so that, when two announce one address, the same one wins every time.
    instances.sort(Comparator.comparing(i -> i.name));
    List<KVPair> nodes = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (Browser.Instance i : instances) {
      for (RpcxTxt.Entry e : i.entries) {
        if (e.service().equals(servicePath())
            && !e.serviceAddress().isEmpty()
            && keys.add(e.serviceAddress())) {
          nodes.add(new KVPair(e.serviceAddress(), e.meta()));
        }
      }
    }
    nodes.sort(Comparator.comparing(KVPair::key));
    return nodes;
  }

  @Override
  public String toString() {
    return "MdnsDiscovery{"
        + shared.service
        + ", "
        + (isTemplate() ? "template" : servicePath())
        + ", "
        + services()
        + "}";
  }

  /** Settings, socket and cache a template shares with its clones. */
  private static final class Shared {
    final InetAddress bindAddress;
    final String service;
    final Duration timeout;
    final Duration watchInterval;
    private int refs;
    private MdnsSocket socket;
    private ScheduledExecutorService timer;
    volatile Browser browser;

    Shared(InetAddress bindAddress, String service, Duration timeout, Duration watchInterval) {
      this.bindAddress = bindAddress;
      this.service = service;
      this.timeout = timeout;
      this.watchInterval = watchInterval;
    }

    synchronized void retain() {
      refs++;
    }

    /** Retains and, for the first user, joins the group and starts browsing. */
    synchronized Browser open() throws IOException {
      if (browser == null) {
        Browser b = new Browser(service, System::nanoTime);
        socket =
            new MdnsSocket(
                MdnsSocket.chooseInterface(bindAddress),
                (m, from) -> b.received(m),
                "jrpcx-mdns-browser");
        timer = Daemons.singleThread("jrpcx-mdns-discovery");
        long every = watchInterval.toNanos();
        timer.scheduleWithFixedDelay(this::browse, every, every, TimeUnit.NANOSECONDS);
        timer.scheduleWithFixedDelay(
            () -> {
              if (b.expire()) {
                browse();
              }
            },
            SWEEP_MILLIS,
            SWEEP_MILLIS,
            TimeUnit.MILLISECONDS);
        browser = b;
      }
      refs++;
      return browser;
    }

    /** Go's browse: the query, twice back to back as zeroconf sends it, with fresh ids. */
    void browse() {
      MdnsSocket s;
      Browser b;
      synchronized (this) {
        s = socket;
        b = browser;
      }
      if (s == null) {
        return;
      }
      try {
        for (int i = 0; i < 2; i++) {
          s.send(Dns.encode(b.query(ThreadLocalRandom.current().nextInt(0x10000)), false));
        }
      } catch (IOException | RuntimeException e) {
        log.warn("mDNS browse query for {} failed; trying again in {}", service, watchInterval, e);
      }
    }

    void release() {
      MdnsSocket s = null;
      synchronized (this) {
        if (--refs == 0 && socket != null) {
          s = socket;
          socket = null;
          browser = null;
          timer.shutdownNow();
          timer = null;
        }
      }
      if (s != null) {
        s.close();
      }
    }
  }

  /** Settings of an {@link MdnsDiscovery}. */
  public static final class Builder {
    private InetAddress bindAddress;
    private String domain = "local.";
    private Duration timeout = Duration.ofSeconds(5);
    private Duration watchInterval = Duration.ofSeconds(10);
    private String servicePath;

    private Builder() {}

    /**
     * The address, and so the interface, to browse on. Default: the first up, multicast-capable,
     * non-loopback interface with an IPv4 address.
     */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The mDNS domain, default {@code local.}. */
    public Builder domain(String domain) {
      Objects.requireNonNull(domain, "domain");
      this.domain = domain.endsWith(".") ? domain : domain + ".";
      return this;
    }

    /** How long the constructor waits for a first node; default 5 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** How often the browse query is sent again; default 10 s. */
    public Builder watchInterval(Duration interval) {
      this.watchInterval = positive(interval, "watchInterval");
      return this;
    }

    /** The service to report; without one, {@link #build()} makes a template. */
    public Builder servicePath(String servicePath) {
      this.servicePath = Objects.requireNonNull(servicePath, "servicePath");
      return this;
    }

    /**
     * Makes the discovery; unless it is a template, it has browsed once when this returns
     * (waiting at most {@code timeout} for a first node).
     */
    public MdnsDiscovery build() {
      return new MdnsDiscovery(
          new Shared(
              bindAddress, MdnsRegisterPlugin.SERVICE + "." + domain, timeout, watchInterval),
          servicePath);
    }

    private static Duration positive(Duration d, String name) {
      if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return d;
    }
  }
}
