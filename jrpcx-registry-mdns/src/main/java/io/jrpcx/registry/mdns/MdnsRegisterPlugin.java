package io.jrpcx.registry.mdns;

import io.jrpcx.server.AbstractRegisterPlugin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces a server's services over mDNS / DNS-SD as Go rpcx's {@code MDNSRegisterPlugin} does:
 * one instance of type {@code _rpcxservices._tcp} in {@code local.}, named after the host, on the
 * port of the service address, whose TXT record is the URL-query-escaped JSON array
 * {@code [{"service":"Arith","meta":"weight=10&group=g1","service_address":"tcp@10.0.0.5:8972"}]}
 * listing every registered service (see {@link MdnsDiscovery} for the reading side). Every
 * {@code updateInterval} the TXT is announced again with fresh {@code calls} and
 * {@code connections} rates.
 *
 * <pre>{@code
 * MdnsRegisterPlugin mdns = MdnsRegisterPlugin.builder()
 *     .serviceAddress("tcp@192.168.1.5:8972")
 *     .bindAddress(InetAddress.getByName("192.168.1.5"))   // the interface to announce on
 *     .build();
 * mdns.start();
 * Server server = Server.builder().plugin(mdns).build();
 * server.register("Arith", new Arith(), "weight=10");
 * server.start("tcp", "0.0.0.0:8972");
 * ...
 * server.shutdown(Duration.ofSeconds(10));   // announces the empty list first
 * mdns.close();                               // goodbye packets, then JmDNS stops (about 2 s)
 * }</pre>
 *
 * <p>Unregistering a service announces the remaining list (an empty array once none is left), as
 * Go does; {@link #close()} also withdraws the instance. Liveness is mDNS's own: a server that
 * dies without sending goodbye packets stays in other hosts' caches until its records' TTL runs
 * out, JmDNS's {@code net.dns.ttl} system property (3600 s by default) in the server's JVM.
 * Uses one JmDNS instance, created on the first registration or {@link #start()}.
 */
public final class MdnsRegisterPlugin extends AbstractRegisterPlugin {
  private static final Logger log = LoggerFactory.getLogger(MdnsRegisterPlugin.class);
  static final String SERVICE = "_rpcxservices";

  private final String instanceName;
  private final String type;
  private final InetAddress bindAddress;
  private final int port;

  private final Object lock = new Object();
  // Guarded by lock. Insertion order is registration order, as in Go's slice.
  private final Map<String, String> announced = new LinkedHashMap<>();
  private JmDNS jmdns;
  private ServiceInfo info;
  private boolean closed;

  private MdnsRegisterPlugin(Builder b) {
    super(b.serviceAddress, "", b.updateInterval);
    this.instanceName = b.instanceName != null ? b.instanceName : hostname();
    this.type = SERVICE + "._tcp." + b.domain;
    this.bindAddress = b.bindAddress;
    this.port = port(b.serviceAddress);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The DNS-SD instance name, the host name unless set. */
  public String instanceName() {
    return instanceName;
  }

  /** The fully qualified service type, {@code _rpcxservices._tcp.local.} by default. */
  public String type() {
    return type;
  }

  /** Creates the JmDNS instance (if no service did yet) and starts the update loop. */
  @Override
  public void start() {
    synchronized (lock) {
      try {
        jmdnsLocked();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start mDNS on " + bindAddress, e);
      }
    }
    super.start();
  }

  @Override
  protected void doRegister(String serviceName, String metadata) throws IOException {
    synchronized (lock) {
      announced.put(serviceName, metadata);
      announceLocked();
    }
  }

  @Override
  protected void doUnregister(String serviceName) {
    synchronized (lock) {
      if (announced.remove(serviceName) != null && info != null) {
        info.setText(txt());
      }
    }
  }

  @Override
  protected void refresh(String serviceName, String metadataWithRates) throws IOException {
    synchronized (lock) {
      if (announced.containsKey(serviceName)) {
        announced.put(serviceName, metadataWithRates);
        announceLocked();
      }
    }
  }

  @Override
  protected void doClose() {
    JmDNS j;
    synchronized (lock) {
      closed = true;
      j = jmdns;
      jmdns = null;
      info = null;
    }
    if (j != null) {
      try {
        // Goodbye packets (TTL 0) tell other hosts to drop the instance within a second.
        j.unregisterAllServices();
        j.close();
      } catch (IOException e) {
        log.debug("closing JmDNS failed", e);
      }
    }
  }

  /**
   * Stops JmDNS at once, skipping this plugin's own withdrawal, as far as a process can do to
   * itself: JmDNS still sends goodbye packets while closing. For tests.
   */
  void simulateCrash() throws IOException {
    JmDNS j;
    synchronized (lock) {
      closed = true;
      j = jmdns;
      jmdns = null;
      info = null;
    }
    if (j != null) {
      j.close();
    }
  }

  private void announceLocked() throws IOException {
    if (closed) {
      return;
    }
    byte[] text = txt();
    if (info == null) {
      info = ServiceInfo.create(type, instanceName, port, 0, 0, text);
      jmdnsLocked().registerService(info);
    } else {
      // Announced again even when unchanged, as Go's loop does; JmDNS sends the new TXT.
      info.setText(text);
    }
  }

  private JmDNS jmdnsLocked() throws IOException {
    if (closed) {
      throw new IOException("plugin is closed");
    }
    if (jmdns == null) {
      jmdns = JmDNS.create(bindAddress, instanceName);
    }
    return jmdns;
  }

  private byte[] txt() {
    List<RpcxTxt.Entry> entries = new ArrayList<>(announced.size());
    for (Map.Entry<String, String> e : announced.entrySet()) {
      entries.add(new RpcxTxt.Entry(e.getKey(), e.getValue(), serviceAddress()));
    }
    return RpcxTxt.rdata(entries);
  }

  /** The port of {@code network@host:port}; Go's plugin panics without one, this throws. */
  static int port(String serviceAddress) {
    String addr = serviceAddress.substring(serviceAddress.indexOf('@') + 1);
    int colon = addr.lastIndexOf(':');
    try {
      int p = Integer.parseInt(addr.substring(colon + 1));
      if (colon < 0 || p <= 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("serviceAddress needs a port for mDNS, was '"
          + serviceAddress + "'");
    }
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "jrpcx";
    }
  }

  @Override
  public String toString() {
    return "MdnsRegisterPlugin{" + instanceName + "." + type + ", " + serviceAddress() + "}";
  }

  /** Settings of an {@link MdnsRegisterPlugin}; {@code serviceAddress} is required. */
  public static final class Builder {
    private String serviceAddress;
    private String instanceName;
    private String domain = "local.";
    private InetAddress bindAddress;
    private Duration updateInterval = Duration.ofMinutes(1);

    private Builder() {}

    /**
     * This server as clients dial it, {@code network@host:port}; its port is the SRV port.
     */
    public Builder serviceAddress(String serviceAddress) {
      this.serviceAddress = Objects.requireNonNull(serviceAddress, "serviceAddress");
      return this;
    }

    /** The DNS-SD instance name; default the host name, as in Go. */
    public Builder instanceName(String name) {
      this.instanceName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The mDNS domain, default {@code local.}. */
    public Builder domain(String domain) {
      Objects.requireNonNull(domain, "domain");
      this.domain = domain.endsWith(".") ? domain : domain + ".";
      return this;
    }

    /**
     * The address (and so the interface) JmDNS binds and announces on. Default: JmDNS's own
     * choice, which may be any interface of the host.
     */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** How often the TXT is announced again with fresh rates; default one minute, 0 never. */
    public Builder updateInterval(Duration interval) {
      if (Objects.requireNonNull(interval, "interval").isNegative()) {
        throw new IllegalArgumentException("updateInterval must not be negative");
      }
      this.updateInterval = interval;
      return this;
    }

    public MdnsRegisterPlugin build() {
      if (serviceAddress == null) {
        throw new IllegalStateException("serviceAddress is required");
      }
      return new MdnsRegisterPlugin(this);
    }
  }
}
