package io.jrpcx.registry.mdns;

import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.Daemons;
import io.jrpcx.registry.RegisterPluginBuilder;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces a server's services over mDNS / DNS-SD exactly as Go rpcx's
 * {@code MDNSRegisterPlugin} (grandcat/zeroconf) does, so that Go clients find jrpcx servers and
 * the other way round: one instance {@code <hostname>._rpcxservices.local.} (service type
 * {@code _rpcxservices.local.}, with no {@code _tcp} label), SRV target {@code <hostname>.local.}
 * on the port of the service address, and one TXT string holding the URL-query-escaped JSON
 * array {@code [{"service":"Arith","meta":"weight=10&group=g1","service_address":"tcp@10.0.0.5:8972"}]}
 * of every registered service (see {@link MdnsDiscovery} for the reading side).
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
 * mdns.close();                               // goodbye: every record with TTL 0
 * }</pre>
 *
 * <p>As zeroconf: the first registration probes twice and announces twice, one second apart;
 * every later change and every {@code updateInterval} tick (with fresh {@code calls} and
 * {@code connections} rates) multicasts the TXT alone; unregistering announces the remaining
 * list (an empty array once none is left); browse queries for {@code _rpcxservices.local.} are
 * answered with the PTR plus SRV, TXT and A records; {@link #close()} sends the goodbye. Records
 * live {@code ttl} (3200 s, zeroconf's default; A records 120 s), so a server that dies without a
 * goodbye stays in other hosts' caches until then. A TXT string holds at most 255 bytes and Go
 * never splits it: when the services do not all fit, the ones that do are announced and the
 * others are left out, with a WARN naming them (Go announces nothing at all then). IPv4 only, on
 * one interface. Like zeroconf there is no name conflict resolution: give each server of a host
 * its own {@code instanceName}.
 */
public final class MdnsRegisterPlugin extends AbstractRegisterPlugin {
  private static final Logger log = LoggerFactory.getLogger(MdnsRegisterPlugin.class);

  /** The DNS-SD service type rpcx uses, with no protocol label. */
  static final String SERVICE = "_rpcxservices";

  /** zeroconf's default record TTL. */
  static final Duration DEFAULT_TTL = Duration.ofSeconds(3200);

  private final String instanceName;
  private final String hostName;
  private final String domain;
  private final InetAddress bindAddress;
  private final long ttl;

  // Guarded by the base's lock (underLock). Insertion order is registration order, as in Go's
  // slice.
  private final Map<String, String> announced = new LinkedHashMap<>();
  private List<String> leftOut = List.of();
  private volatile MdnsSocket socket;
  private List<Inet4Address> addresses;
  private ScheduledExecutorService timer;
  private volatile Zone zone;
  private boolean closed;

  private MdnsRegisterPlugin(Builder b) {
    super(b);
    String host = b.instanceName != null && b.hostName != null ? null : hostname();
    this.instanceName = b.instanceName != null ? b.instanceName : host;
    this.hostName = b.hostName != null ? b.hostName : host;
    this.domain = b.domain;
    this.bindAddress = b.bindAddress;
    this.ttl = b.ttl.toSeconds();
    // Fail at build time, not at the first registration, on names DNS cannot carry (and on a
    // service address without a port; without one the server's comes later).
    int port = serviceAddress() == null ? 1 : port(serviceAddress());
    Zone.of(instanceName, hostName, SERVICE, domain, port, ttl, List.of(), new byte[0]);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The DNS-SD instance name, the host name unless set. */
  public String instanceName() {
    return instanceName;
  }

  /** The fully qualified service type, {@code _rpcxservices.local.} by default. */
  public String type() {
    return SERVICE + "." + domain;
  }

  /** The TTL of the PTR, SRV and TXT records, 3200 s unless set. */
  public Duration ttl() {
    return Duration.ofSeconds(ttl);
  }

  /** Joins the multicast group (if no registration did yet) and starts the update loop. */
  @Override
  public void start() {
    try {
      underLock(this::socketLocked);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start mDNS on " + bindAddress, e);
    }
    super.start();
  }

  @Override
  protected void doRegister(String serviceName, String metadata) throws IOException {
    announced.put(serviceName, metadata);
    announceLocked();
  }

  @Override
  protected void doUnregister(String serviceName) throws IOException {
    if (announced.remove(serviceName) != null) {
      announceLocked();
    }
  }

  @Override
  protected void refresh(String serviceName, String metadataWithRates) throws IOException {
    if (announced.containsKey(serviceName)) {
      announced.put(serviceName, metadataWithRates);
      announceLocked();
    }
  }

  @Override
  protected void doClose() {
    Zone z = zone;
    MdnsSocket s = stop();
    if (s != null) {
      if (z != null) {
        try {
          // Other hosts drop every record at once (TTL 0).
          s.send(Dns.encode(z.goodbye(), false));
        } catch (IOException | RuntimeException e) {
          log.debug("sending the mDNS goodbye failed", e);
        }
      }
      s.close();
    }
  }

  /**
   * Stops answering and announcing at once without a goodbye, as if the process died: other
   * hosts keep the records until their TTL runs out. For tests.
   */
  void simulateCrash() {
    MdnsSocket s = stop();
    if (s != null) {
      s.close();
    }
  }

  /** Stops announcing and answering; returns the socket, for the caller to close. */
  private MdnsSocket stop() {
    MdnsSocket[] s = new MdnsSocket[1];
    underLock(
        () -> {
          closed = true;
          s[0] = socket;
          socket = null;
          zone = null;
          if (timer != null) {
            timer.shutdownNow();
          }
        });
    return s[0];
  }

  /** The records announced now, null before the first registration. For tests. */
  Zone zone() {
    return zone;
  }

  private void announceLocked() throws IOException {
    if (closed) {
      return;
    }
    RpcxTxt.Fit fit = RpcxTxt.fit(entriesLocked());
    warnLocked(fit);
    MdnsSocket s = socketLocked();
    if (zone == null) {
      zone =
          Zone.of(
              instanceName,
              hostName,
              SERVICE,
              domain,
              port(serviceAddress()),
              ttl,
              addresses,
              fit.string());
      int id = ThreadLocalRandom.current().nextInt(0x10000);
      schedule(() -> probe(id, 1), 0);
    } else {
      // Sent even when unchanged, as zeroconf's SetText does on every refresh tick.
      zone = zone.withText(fit.string());
      s.send(Dns.encode(zone.textUpdate(), false));
    }
  }

  private void warnLocked(RpcxTxt.Fit fit) {
    if (fit.leftOut().equals(leftOut)) {
      return;
    }
    if (fit.leftOut().isEmpty()) {
      log.info("mDNS: every service of {} fits the TXT record again", instanceName);
    } else {
      log.warn(
          "mDNS: services {} of {} are left out of the announcement: rpcx puts every "
              + "service in one TXT string of at most 255 bytes, and with them it would be longer "
              + "(Go would announce nothing at all); announced: {}",
          fit.leftOut(),
          instanceName,
          announcedNames(fit));
    }
    leftOut = fit.leftOut();
  }

  private List<String> announcedNames(RpcxTxt.Fit fit) {
    List<String> names = new ArrayList<>(announced.keySet());
    names.removeAll(fit.leftOut());
    return names;
  }

  /** zeroconf's sequence: two probes 0-250 ms apart, then two announcements one second apart. */
  private void probe(int id, int step) {
    Zone z = zone;
    MdnsSocket s = socket;
    if (z == null || s == null) {
      return;
    }
    try {
      if (step <= 2) {
        s.send(Dns.encode(z.probe(id), false));
      } else {
        s.send(Dns.encode(z.announcement(), true));
      }
    } catch (IOException e) {
      log.warn("mDNS: sending {} failed", step <= 2 ? "a probe" : "an announcement", e);
    }
    if (step < 4) {
      long delay = step < 3 ? ThreadLocalRandom.current().nextInt(250) : 1000;
      schedule(() -> probe(id, step + 1), delay);
    }
  }

  private void schedule(Runnable r, long delayMillis) {
    underLock(
        () -> {
          if (timer == null || closed) {
            return;
          }
          try {
            timer.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
          } catch (RejectedExecutionException e) {
            // closed meanwhile
          }
        });
  }

  private void received(Dns.Message m, InetSocketAddress from) {
    Zone z = zone;
    MdnsSocket s = socket;
    if (z == null || s == null || m.isResponse()) {
      return;
    }
    for (Zone.Response r : z.answer(m)) {
      try {
        byte[] bytes = Dns.encode(r.message(), true);
        if (r.unicast()) {
          s.send(bytes, from);
        } else {
          s.send(bytes);
        }
      } catch (IOException e) {
        log.debug("mDNS: answering {} failed", from, e);
      }
    }
  }

  private MdnsSocket socketLocked() throws IOException {
    if (closed) {
      throw new IOException("plugin is closed");
    }
    if (socket == null) {
      NetworkInterface nif = MdnsSocket.chooseInterface(bindAddress);
      addresses = MdnsSocket.hostAddresses(nif, bindAddress);
      socket = new MdnsSocket(nif, this::received, "jrpcx-mdns-responder-" + instanceName);
      timer = Daemons.singleThread("jrpcx-mdns-announce-" + instanceName);
    }
    return socket;
  }

  private List<RpcxTxt.Entry> entriesLocked() {
    List<RpcxTxt.Entry> entries = new ArrayList<>(announced.size());
    for (Map.Entry<String, String> e : announced.entrySet()) {
      entries.add(new RpcxTxt.Entry(e.getKey(), e.getValue(), serviceAddress()));
    }
    return entries;
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
      throw new IllegalArgumentException(
          "serviceAddress needs a port for mDNS, was '" + serviceAddress + "'");
    }
  }

  /**
   * The kernel's host name, as Go's {@code os.Hostname()} reads it. Not
   * {@code InetAddress.getLocalHost()} first: that resolves the name, which can hang for seconds
   * on a host without DNS, and may return another name than Go's.
   */
  static String hostname() {
    try {
      String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "jrpcx";
    }
  }

  @Override
  public String toString() {
    return "MdnsRegisterPlugin{" + instanceName + "." + type() + ", " + serviceAddress() + "}";
  }

  /**
   * Settings of an {@link MdnsRegisterPlugin}; the port of {@code serviceAddress} (the server's
   * own address when it is not set) is the SRV port. The update interval (how often the TXT is announced again with fresh rates) is
   * one minute unless set, 0 never. rpcx's mDNS layout has no base path.
   */
  public static final class Builder extends RegisterPluginBuilder<Builder> {
    private String instanceName;
    private String hostName;
    private String domain = "local.";
    private InetAddress bindAddress;
    private Duration ttl = DEFAULT_TTL;

    private Builder() {
      super(Duration.ofMinutes(1));
      super.basePath("");
    }

    /**
     * Not used by mDNS: rpcx's mDNS plugin announces every service of the host under one
     * instance, with no prefix.
     *
     * @throws IllegalArgumentException unless {@code basePath} is empty
     */
    @Override
    public Builder basePath(String basePath) {
      if (!basePath.isEmpty()) {
        throw new IllegalArgumentException("mDNS has no base path, was given '" + basePath + "'");
      }
      return this;
    }

    /**
     * The DNS-SD instance name; default the host name, as in Go. Dots separate DNS labels, as
     * in Go.
     */
    public Builder instanceName(String name) {
      this.instanceName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The host name of the SRV target and A records, {@code <hostName>.local.}; default the
     * host name, as in Go. */
    public Builder hostName(String name) {
      this.hostName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The mDNS domain, default {@code local.}. */
    public Builder domain(String domain) {
      Objects.requireNonNull(domain, "domain");
      this.domain = domain.endsWith(".") ? domain : domain + ".";
      return this;
    }

    /**
     * The address, and so the interface, to announce on; its interface's non-loopback IPv4
     * addresses are the A records (the address itself on a loopback-only interface). Default:
     * the first up, multicast-capable, non-loopback interface with an IPv4 address.
     */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * How long other hosts keep the PTR, SRV and TXT records (A records: at most 120 s), whole
     * seconds; default 3200 s as zeroconf. This bounds how long a server that dies without a
     * goodbye stays listed; Go peers honour it as well.
     */
    public Builder ttl(Duration ttl) {
      if (Objects.requireNonNull(ttl, "ttl").toSeconds() < 1) {
        throw new IllegalArgumentException("ttl must be at least one second");
      }
      this.ttl = ttl;
      return this;
    }

    public MdnsRegisterPlugin build() {
      return new MdnsRegisterPlugin(this);
    }
  }
}
