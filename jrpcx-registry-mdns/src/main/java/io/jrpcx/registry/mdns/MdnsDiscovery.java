package io.jrpcx.registry.mdns;

import io.jrpcx.client.discovery.AbstractServiceDiscovery;
import io.jrpcx.client.discovery.KVPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the servers of one service over mDNS / DNS-SD, as Go rpcx's {@code MDNSDiscovery}: it
 * browses instances of {@code _rpcxservices._tcp.local.}, decodes each instance's TXT (the
 * URL-query-escaped JSON array written by {@link MdnsRegisterPlugin} and by Go servers) and reports
 * one node per entry, key {@code service_address}, value {@code meta}.
 *
 * <p>Unlike Go, only the entries of this discovery's service are kept: Go reports every service
 * of every server as a node of whatever service it was asked for. The list is browsed again every
 * {@code watchInterval}, and at once whenever JmDNS reports an instance added, resolved (a new
 * TXT) or removed; every change publishes the full list, sorted by key.
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
 * <p>The constructor browses once, waiting at most {@code timeout} when nothing is known yet
 * (JmDNS typically needs a few seconds to see a new instance). A node leaves when its server
 * withdraws it (unregister, goodbye packets on close) or when its records expire from JmDNS's
 * cache, so a crashed server stays listed for its records' TTL. A template and its clones share
 * one JmDNS instance, closed with the last of them (closing
 * JmDNS takes about two seconds). Thread-safe.
 */
public final class MdnsDiscovery extends AbstractServiceDiscovery {
  private static final Logger log = LoggerFactory.getLogger(MdnsDiscovery.class);

  private final Shared shared;
  private final String servicePath;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean browseQueued = new AtomicBoolean();
  private final ServiceListener listener = new ServiceListener() {
    @Override
    public void serviceAdded(ServiceEvent event) {
      // JmDNS resolves it next; serviceResolved follows with the TXT.
    }

    @Override
    public void serviceRemoved(ServiceEvent event) {
      queueBrowse();
    }

    @Override
    public void serviceResolved(ServiceEvent event) {
      queueBrowse();
    }
  };
  private final JmDNS jmdns;

  private MdnsDiscovery(Shared shared, String servicePath) {
    this.shared = shared;
    this.servicePath = servicePath;
    shared.retain();
    if (servicePath == null) {
      executor = null;
      jmdns = null;
      return;
    }
    try {
      jmdns = shared.jmdns();
    } catch (IOException e) {
      shared.release();
      throw new UncheckedIOException("cannot start mDNS on " + shared.bindAddress, e);
    }
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "jrpcx-mdns-discovery-" + servicePath);
      t.setDaemon(true);
      return t;
    });
    browse();
    jmdns.addServiceListener(shared.type, listener);
    long every = shared.watchInterval.toNanos();
    executor.scheduleWithFixedDelay(this::browse, every, every, TimeUnit.NANOSECONDS);
  }

  /** A discovery of {@code servicePath} with the default settings (JmDNS picks the interface). */
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

  /** The service reported, or null for a template. */
  public String servicePath() {
    return servicePath;
  }

  /** A discovery of {@code servicePath} with the same settings and JmDNS instance. */
  @Override
  public MdnsDiscovery clone(String servicePath) {
    return new MdnsDiscovery(shared, Objects.requireNonNull(servicePath, "servicePath"));
  }

  @Override
  protected void doClose() {
    if (jmdns != null) {
      jmdns.removeServiceListener(shared.type, listener);
      executor.shutdownNow();
    }
    shared.release();
  }

  private void queueBrowse() {
    if (browseQueued.compareAndSet(false, true)) {
      try {
        executor.execute(() -> {
          browseQueued.set(false);
          browse();
        });
      } catch (RejectedExecutionException e) {
        // closed meanwhile
      }
    }
  }

  /**
   * One browse, published. JmDNS's own collector is updated before listeners like ours are
   * called, so a browse triggered by an event already sees that event.
   */
  private void browse() {
    if (isClosed()) {
      return;
    }
    try {
      ServiceInfo[] infos = jmdns.list(shared.type, shared.timeout.toMillis());
      publish(nodes(infos));
    } catch (RuntimeException e) {
      log.warn("browsing {} for {} failed; trying again in {}", shared.type, servicePath,
          shared.watchInterval, e);
    }
  }

  private List<KVPair> nodes(ServiceInfo[] infos) {
    List<KVPair> nodes = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (ServiceInfo info : infos) {
      List<RpcxTxt.Entry> entries;
      try {
        entries = RpcxTxt.parse(info.getTextBytes());
      } catch (IOException e) {
        log.debug("ignoring instance {}: its TXT is not rpcx's: {}", info.getQualifiedName(),
            e.getMessage());
        continue;
      }
      for (RpcxTxt.Entry e : entries) {
        if (e.service().equals(servicePath) && !e.serviceAddress().isEmpty()
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
    return "MdnsDiscovery{" + shared.type + ", " + (servicePath == null ? "template"
        : servicePath) + ", " + services() + "}";
  }

  /** Settings and the JmDNS instance a template shares with its clones. */
  private static final class Shared {
    final InetAddress bindAddress;
    final String type;
    final Duration timeout;
    final Duration watchInterval;
    private int refs;
    private JmDNS jmdns;

    Shared(InetAddress bindAddress, String type, Duration timeout, Duration watchInterval) {
      this.bindAddress = bindAddress;
      this.type = type;
      this.timeout = timeout;
      this.watchInterval = watchInterval;
    }

    synchronized void retain() {
      refs++;
    }

    synchronized JmDNS jmdns() throws IOException {
      if (jmdns == null) {
        jmdns = JmDNS.create(bindAddress, "jrpcx-discovery");
      }
      return jmdns;
    }

    void release() {
      JmDNS closing = null;
      synchronized (this) {
        if (--refs == 0) {
          closing = jmdns;
          jmdns = null;
        }
      }
      if (closing != null) {
        try {
          closing.close();
        } catch (IOException e) {
          log.debug("closing JmDNS failed", e);
        }
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

    /** The address (and so the interface) to browse on. Default: JmDNS's own choice. */
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

    /** How long a browse waits for answers when nothing is known yet; default 5 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** How often the list is browsed again besides JmDNS's events; default 10 s. */
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
     * (waiting at most {@code timeout}).
     */
    public MdnsDiscovery build() {
      return new MdnsDiscovery(shared(), servicePath);
    }

    private Shared shared() {
      return new Shared(bindAddress, MdnsRegisterPlugin.SERVICE + "._tcp." + domain, timeout,
          watchInterval);
    }

    private static Duration positive(Duration d, String name) {
      if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return d;
    }
  }
}
