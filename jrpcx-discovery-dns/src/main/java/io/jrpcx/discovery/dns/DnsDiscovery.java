package io.jrpcx.discovery.dns;

import io.jrpcx.client.discovery.AbstractServiceDiscovery;
import io.jrpcx.client.discovery.KVPair;
import io.jrpcx.registry.RegistryAddress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.resolver.dns.DnsErrorCauseException;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds servers in DNS, as Go rpcx's {@code DNSDiscovery} does: it looks up the A and AAAA records
 * of a domain name and reports each address as a node {@code network@ip:port} with empty
 * metadata, sorted by key, looking up again every refresh interval. It needs no registry: a
 * Kubernetes headless Service, or any name with one address per server, is enough.
 *
 * <pre>{@code
 * DnsDiscovery d = DnsDiscovery.create("arith.default.svc.cluster.local", "tcp", 8972,
 *     Duration.ofSeconds(10));
 * XClient x = XClient.create("Arith", FailMode.FAILOVER, SelectMode.ROUND_ROBIN, d,
 *     ClientOptions.DEFAULT);
 * }</pre>
 *
 * <ul>
 *   <li>The first lookup is made before {@link #create} (or {@link Builder#build()}) returns, so
 *       an XClient created next sees the nodes at once.
 *   <li>Watchers are told only when the list changed, and get the full list.
 *   <li>A lookup that fails (no answer, SERVFAIL, no address at all for the name) keeps the nodes
 *       of the last good one, as in Go; {@link #lastError()} says why, and the failure is logged
 *       once per outage at WARN, not at every refresh.
 *   <li>IPv6 addresses are bracketed, {@code tcp@[::1]:8972}, which XClient can dial; Go writes
 *       {@code tcp@::1:8972}, which it cannot.
 * </ul>
 *
 * <p>Beyond Go's: {@link Builder#srv(boolean) SRV records} (for example {@code
 * _rpcx._tcp.arith.default.svc.cluster.local}) give each node's port and weight (as {@code
 * weight=N} metadata, for the weighted selectors); the records' TTL shortens the refresh interval
 * (to no less than {@link #MIN_REFRESH}); and {@link Builder#nameServers name servers} can be
 * given instead of those of {@code /etc/resolv.conf}. Nothing is cached between lookups.
 *
 * <p>A DNS name is not per service, so {@link #clone(String)} makes a discovery of the same name
 * for any service, as Go's {@code DNSDiscovery.Clone} does. Thread-safe; watchers are called on
 * the discovery's own thread.
 */
public final class DnsDiscovery extends AbstractServiceDiscovery {
  /** The shortest refresh interval a record's TTL can bring about: 1 s. */
  public static final Duration MIN_REFRESH = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(DnsDiscovery.class);

  private final Builder settings;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final DnsNameResolver resolver;
  // On the event loop only.
  private boolean failing;

  private DnsDiscovery(Builder settings) {
    this.settings = settings;
    // One daemon thread of its own: resolution and refreshes never wait behind RPC traffic, and a
    // discovery left open does not keep the JVM alive.
    this.group =
        new MultiThreadIoEventLoopGroup(
            1,
            new DefaultThreadFactory("jrpcx-dns-discovery-" + settings.domain, true),
            NioIoHandler.newFactory());
    this.loop = group.next();
    DnsNameResolverBuilder b =
        new DnsNameResolverBuilder(loop)
            .datagramChannelType(NioDatagramChannel.class)
            // Answers too large for UDP come truncated; the resolver then asks again over TCP.
            .socketChannelType(NioSocketChannel.class)
            // Every refresh must ask the server: a cache would hide changes until its own TTL.
            .resolveCache(NoopDnsCache.INSTANCE)
            .cnameCache(NoopDnsCnameCache.INSTANCE)
            .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
            .queryTimeoutMillis(settings.queryTimeout.toMillis())
            .recursionDesired(true);
    if (!settings.nameServers.isEmpty()) {
      b.nameServerProvider(new SequentialDnsServerAddressStreamProvider(settings.nameServers));
    }
    this.resolver = b.build();
    CompletableFuture<Void> first = new CompletableFuture<>();
    loop.execute(() -> refresh(first));
    try {
      // The resolver gives up on its own after its query timeouts; this only guards against a
      // loop that never ran the task.
      first.get(settings.queryTimeout.toMillis() * 4 + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("first DNS lookup of {} did not finish", settings.domain, e);
    }
  }

  /**
   * A discovery of the A and AAAA records of {@code domain}, as Go's {@code NewDNSDiscovery}: each
   * address becomes {@code network@address:port}, looked up again every {@code refreshInterval}.
   * The first lookup is done when this returns.
   */
  public static DnsDiscovery create(
      String domain, String network, int port, Duration refreshInterval) {
    return builder()
        .domain(domain)
        .network(network)
        .port(port)
        .refreshInterval(refreshInterval)
        .build();
  }

  /** Settings for a discovery beyond {@link #create}'s: SRV records, name servers, timeouts. */
  public static Builder builder() {
    return new Builder();
  }

  /** The name looked up, as given. */
  public String domain() {
    return settings.domain;
  }

  /**
   * A discovery of the same name with the same settings, its own resolver and no filter: DNS
   * names no rpcx service, so every service is found at the same nodes (Go's {@code
   * DNSDiscovery.Clone}). Close it separately.
   *
   * @throws IllegalStateException if this discovery is closed
   */
  @Override
  public DnsDiscovery clone(String servicePath) {
    Objects.requireNonNull(servicePath, "servicePath");
    if (isClosed()) {
      throw new IllegalStateException(this + " is closed");
    }
    return new DnsDiscovery(settings);
  }

  @Override
  protected void doClose() {
    try {
      loop.execute(resolver::close);
    } catch (RejectedExecutionException e) {
      // already shut down
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "DnsDiscovery{" + (settings.srv ? "SRV " : "") + settings.domain + "}" + services();
  }

  /** One lookup, then the next one scheduled; on the event loop. */
  private void refresh(CompletableFuture<Void> done) {
    if (isClosed()) {
      done.complete(null);
      return;
    }
    CompletableFuture<Lookup> lookup =
        settings.srv ? lookupSrv() : lookupAddresses(settings.domain, settings.port, "");
    lookup.whenComplete(
        (result, error) -> {
          try {
            Duration next = settings.refreshInterval;
            if (error == null && result.nodes.isEmpty()) {
              error = new UnknownHostException("no address for " + settings.domain);
            }
            if (error != null) {
              failed(reported(unwrap(error)));
            } else {
              succeeded(result);
              if (result.minTtl >= 0) {
                Duration ttl = Duration.ofSeconds(Math.max(result.minTtl, MIN_REFRESH.toSeconds()));
                next = ttl.compareTo(next) < 0 ? ttl : next;
              }
            }
            schedule(next);
          } finally {
            done.complete(null);
          }
        });
  }

  /**
   * The failure as {@link #lastError()} reports it: an {@link UnknownHostException} when the
   * servers answered that there is nothing to find, an {@link IOException} naming the domain
   * otherwise, so that callers can tell the two apart with JDK types.
   */
  private Throwable reported(Throwable e) {
    if (e instanceof UnknownHostException && e.getCause() == null) {
      return e; // ours: the lookups succeeded and found nothing
    }
    if (noRecords(e)) {
      return new UnknownHostException(
          "no " + (settings.srv ? "SRV" : "address") + " records for " + settings.domain);
    }
    return new IOException("DNS lookup of " + settings.domain + " failed: " + e.getMessage(), e);
  }

  /**
   * Why the latest lookup failed, or null after a good one: an {@link UnknownHostException} when
   * the name servers answered that the name has no address (or SRV) records, another {@link
   * IOException} when no server answered in time or one failed (SERVFAIL, refused). The nodes of
   * the last good lookup are kept either way.
   */
  @Override
  public Throwable lastError() {
    return super.lastError();
  }

  private void succeeded(Lookup result) {
    if (failing) {
      failing = false;
      log.info("DNS lookup of {} works again: {} nodes", settings.domain, result.nodes.size());
    }
    List<KVPair> nodes = new ArrayList<>();
    result.nodes.forEach((key, meta) -> nodes.add(new KVPair(key, meta)));
    publish(nodes);
  }

  private void failed(Throwable error) {
    readFailed(error);
    if (isClosed()) {
      return;
    }
    // Logged once per outage: a refresh every second would otherwise flood the log.
    if (!failing) {
      failing = true;
      log.warn(
          "DNS lookup of {} failed, keeping the {} nodes found before and trying every {}: {}",
          settings.domain,
          unfilteredServices().size(),
          settings.refreshInterval,
          error.toString());
    } else {
      log.debug("DNS lookup of {} failed again: {}", settings.domain, error.toString());
    }
  }

  private void schedule(Duration delay) {
    if (isClosed()) {
      return;
    }
    try {
      loop.schedule(
          () -> refresh(new CompletableFuture<>()), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  /** What one lookup found: node key to metadata, sorted, and the smallest TTL (-1: none). */
  private static final class Lookup {
    final Map<String, String> nodes = new TreeMap<>();
    long minTtl = -1;

    void ttl(long ttl) {
      minTtl = minTtl < 0 ? ttl : Math.min(minTtl, ttl);
    }

    void add(Lookup other) {
      other.nodes.forEach(nodes::putIfAbsent);
      if (other.minTtl >= 0) {
        ttl(other.minTtl);
      }
    }
  }

  /**
   * The A and AAAA records of {@code name}, asked at once, as nodes with {@code meta}. A type
   * without records is not a failure (most names have only one of the two); a type whose lookup
   * failed otherwise (timeout, SERVFAIL) fails the whole lookup, so that an outage of one never
   * drops the nodes of the other.
   */
  private CompletableFuture<Lookup> lookupAddresses(String name, int port, String meta) {
    CompletableFuture<Lookup> a = records(name, DnsRecordType.A);
    CompletableFuture<Lookup> aaaa = records(name, DnsRecordType.AAAA);
    return a.handle((r, e) -> outcome(r, e))
        .thenCombine(aaaa.handle((r, e) -> outcome(r, e)), (ra, raaaa) -> combine(ra, raaaa))
        .thenCompose(r -> r)
        .thenApply(
            found -> {
              Lookup out = new Lookup();
              out.minTtl = found.minTtl;
              found.nodes.forEach(
                  (ip, ignored) -> out.nodes.put(settings.network + "@" + ip + ":" + port, meta));
              return out;
            });
  }

  /** The addresses of one record type: the nodes map holds bracketed IPs. */
  private CompletableFuture<Lookup> records(String name, DnsRecordType type) {
    CompletableFuture<Lookup> out = new CompletableFuture<>();
    resolver
        .resolveAll(new DefaultDnsQuestion(name, type))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                out.completeExceptionally(f.cause());
                return;
              }
              @SuppressWarnings("unchecked")
              List<DnsRecord> records = (List<DnsRecord>) f.getNow();
              Lookup found = new Lookup();
              try {
                for (DnsRecord r : records) {
                  if (r.type() != type || !(r instanceof DnsRawRecord raw)) {
                    continue;
                  }
                  ByteBuf content = raw.content();
                  int len = content.readableBytes();
                  if (len != 4 && len != 16) {
                    continue;
                  }
                  byte[] ip = new byte[len];
                  content.getBytes(content.readerIndex(), ip);
                  String text = NetUtil.toAddressString(InetAddress.getByAddress(ip));
                  found.nodes.put(len == 16 ? "[" + text + "]" : text, "");
                  found.ttl(r.timeToLive());
                }
                out.complete(found);
              } catch (RuntimeException | UnknownHostException e) {
                out.completeExceptionally(e);
              } finally {
                records.forEach(ReferenceCountUtil::release);
              }
            });
    return out;
  }

  /** A lookup's result, or null for "no such records", or the failure to pass on. */
  private static Object outcome(Lookup result, Throwable error) {
    if (error == null) {
      return result;
    }
    Throwable e = unwrap(error);
    return noRecords(e) ? null : e;
  }

  private static CompletableFuture<Lookup> combine(Object a, Object b) {
    for (Object o : new Object[] {a, b}) {
      if (o instanceof Throwable t) {
        return CompletableFuture.failedFuture(t);
      }
    }
    Lookup out = new Lookup();
    for (Object o : new Object[] {a, b}) {
      if (o instanceof Lookup l) {
        out.add(l);
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  /**
   * Whether {@code e} says the name has no records of the type asked (NXDOMAIN, or an empty
   * answer), as opposed to a server that did not answer or failed.
   */
  static boolean noRecords(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof DnsNameResolverTimeoutException) {
        return false;
      }
      if (c instanceof DnsErrorCauseException d && d.getCode() != DnsResponseCode.NXDOMAIN) {
        return false;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return e instanceof UnknownHostException;
  }

  /** The SRV records of the domain, then the addresses of each target, asked at once. */
  private CompletableFuture<Lookup> lookupSrv() {
    CompletableFuture<List<SrvRecord>> srv = new CompletableFuture<>();
    resolver
        .resolveAll(new DefaultDnsQuestion(settings.domain, DnsRecordType.SRV))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                srv.completeExceptionally(f.cause());
                return;
              }
              @SuppressWarnings("unchecked")
              List<DnsRecord> records = (List<DnsRecord>) f.getNow();
              try {
                List<SrvRecord> parsed = new ArrayList<>();
                for (DnsRecord r : records) {
                  if (r.type() == DnsRecordType.SRV && r instanceof DnsRawRecord raw) {
                    parsed.add(SrvRecord.parse(raw));
                  }
                }
                srv.complete(parsed);
              } catch (RuntimeException e) {
                srv.completeExceptionally(e);
              } finally {
                records.forEach(ReferenceCountUtil::release);
              }
            });
    return srv.thenCompose(
        records -> {
          List<CompletableFuture<Lookup>> targets = new ArrayList<>();
          long srvTtl = -1;
          for (SrvRecord r : records) {
            srvTtl = srvTtl < 0 ? r.ttl() : Math.min(srvTtl, r.ttl());
            targets.add(lookupAddresses(r.target(), r.port(), "weight=" + r.weight()));
          }
          long ttl = srvTtl;
          return CompletableFuture.allOf(targets.toArray(CompletableFuture[]::new))
              .thenApply(
                  ignored -> {
                    Lookup out = new Lookup();
                    targets.forEach(t -> out.add(t.join()));
                    if (ttl >= 0) {
                      out.ttl(ttl);
                    }
                    return out;
                  });
        });
  }

  /** The SRV record's data: RFC 2782's priority, weight, port and target. */
  record SrvRecord(int priority, int weight, int port, String target, long ttl) {
    static SrvRecord parse(DnsRawRecord raw) {
      ByteBuf content = raw.content().duplicate();
      if (content.readableBytes() < 7) {
        throw new IllegalArgumentException("SRV record of " + content.readableBytes() + " bytes");
      }
      int priority = content.readUnsignedShort();
      int weight = content.readUnsignedShort();
      int port = content.readUnsignedShort();
      // The buffer is a view of the whole response, so a compressed target (which RFC 2782
      // forbids but servers send) still decodes.
      String target = DefaultDnsRecordDecoder.decodeName(content);
      return new SrvRecord(priority, weight, port, target, raw.timeToLive());
    }
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof java.util.concurrent.CompletionException
            || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /**
   * Settings of a {@link DnsDiscovery}: the domain is required, and the port unless SRV records
   * are used. Each setter checks its value; {@link #build()} makes the discovery, whose settings
   * are then fixed.
   */
  public static final class Builder {
    private String domain;
    private String network = "tcp";
    private int port = -1;
    private Duration refreshInterval = Duration.ofSeconds(30);
    private boolean srv;
    private List<InetSocketAddress> nameServers = List.of();
    private Duration queryTimeout = Duration.ofSeconds(5);

    private Builder() {}

    /**
     * The settings a registry address carries, as {@link io.jrpcx.registry.Registries} and {@code
     * jrpcx --registry} take it: {@code dns://name:port} looks up the A and AAAA records of {@code
     * name} on {@code port}; {@code dns://name} without a port looks up its SRV records ({@code
     * dns://_rpcx._tcp.arith.default.svc.cluster.local}); {@code ?server=ip:port[,ip:port]} names
     * the name servers. The other settings keep their values.
     *
     * @throws IllegalArgumentException when {@code url} is not such an address
     */
    public Builder address(String url) {
      RegistryAddress a = RegistryAddress.parse(url).requireScheme("dns");
      if (a.hosts().size() != 1
          || a.userInfo() != null
          || !(a.path().isEmpty() || a.path().equals("/"))) {
        throw new IllegalArgumentException(
            "registry address '" + url + "': expected dns://name:port or dns://_rpcx._tcp.name");
      }
      String host = a.hosts().get(0);
      int colon = host.lastIndexOf(':');
      String name = colon < 0 ? host : host.substring(0, colon);
      int port = -1;
      if (colon >= 0) {
        try {
          port = Integer.parseInt(host.substring(colon + 1));
        } catch (NumberFormatException e) {
          port = 0;
        }
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException(
              "registry address '" + url + "' has no valid port; expected dns://name:port");
        }
      }
      List<InetSocketAddress> servers = List.of();
      for (String pair : a.query().split("&")) {
        if (pair.startsWith("server=")) {
          servers = nameServerList(url, pair.substring("server=".length()));
        } else if (!pair.isEmpty()) {
          throw new IllegalArgumentException(
              "registry address '"
                  + url
                  + "': unknown option '"
                  + pair
                  + "'; the one option is server=ip:port[,ip:port]");
        }
      }
      domain(name);
      if (port > 0) {
        port(port);
        srv(false);
      } else {
        srv(true);
      }
      if (!servers.isEmpty()) {
        nameServers(servers.toArray(InetSocketAddress[]::new));
      }
      return this;
    }

    /** {@code ip:port[,ip:port]}, IP literals only: resolving a name server needs one. */
    private static List<InetSocketAddress> nameServerList(String url, String list) {
      List<InetSocketAddress> out = new ArrayList<>();
      for (String s : list.split(",")) {
        int colon = s.lastIndexOf(':');
        boolean bracketed = s.startsWith("[");
        if (bracketed && s.indexOf(']') > colon) {
          colon = -1; // [::1] without a port
        }
        String host = colon < 0 ? s : s.substring(0, colon);
        if (bracketed && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
          throw new IllegalArgumentException(
              "registry address '" + url + "': name server '" + s + "' is not an IP address");
        }
        int port;
        try {
          port = colon < 0 ? 53 : Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
          port = -1;
        }
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException(
              "registry address '" + url + "': name server '" + s + "' has no valid port");
        }
        out.add(new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), port));
      }
      return out;
    }

    /** The name to look up, e.g. {@code arith.default.svc.cluster.local}. Required. */
    public Builder domain(String domain) {
      Objects.requireNonNull(domain, "domain");
      if (domain.isBlank()) {
        throw new IllegalArgumentException("domain is empty");
      }
      this.domain = domain;
      return this;
    }

    /** The network of the node keys, rpcx's {@code tcp}, {@code quic}, ...; {@code tcp} by default. */
    public Builder network(String network) {
      Objects.requireNonNull(network, "network");
      if (network.isEmpty() || network.contains("@")) {
        throw new IllegalArgumentException("network '" + network + "'");
      }
      this.network = network;
      return this;
    }

    /** The servers' port, for A/AAAA lookups; required unless {@link #srv} is set. */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * How often the name is looked up again; 30 s by default. A record TTL below it shortens the
     * wait, down to {@link DnsDiscovery#MIN_REFRESH}.
     */
    public Builder refreshInterval(Duration refreshInterval) {
      this.refreshInterval = positive(refreshInterval, "refreshInterval");
      return this;
    }

    /**
     * Looks up the SRV records of the domain instead of its addresses, e.g. {@code
     * _rpcx._tcp.arith.default.svc.cluster.local}: each target's addresses become nodes at the
     * record's port with metadata {@code weight=<the record's weight>}. Priorities are not used:
     * rpcx's selectors have no such notion. Off by default.
     */
    public Builder srv(boolean srv) {
      this.srv = srv;
      return this;
    }

    /**
     * The DNS servers to ask, in order (the next when one does not answer); those of {@code
     * /etc/resolv.conf} by default.
     */
    public Builder nameServers(InetSocketAddress... nameServers) {
      List<InetSocketAddress> list = List.of(nameServers);
      if (list.isEmpty()) {
        throw new IllegalArgumentException("no name server");
      }
      for (InetSocketAddress a : list) {
        if (a.isUnresolved()) {
          throw new IllegalArgumentException("name server " + a + " is not an IP address");
        }
      }
      this.nameServers = list;
      return this;
    }

    /** How long one DNS query may take before the next server is asked; 5 s by default. */
    public Builder queryTimeout(Duration queryTimeout) {
      this.queryTimeout = positive(queryTimeout, "queryTimeout");
      return this;
    }

    /**
     * Makes the discovery and looks the name up once before returning.
     *
     * @throws IllegalStateException without a domain, or without a port for an address lookup
     */
    public DnsDiscovery build() {
      if (domain == null) {
        throw new IllegalStateException("domain is required");
      }
      if (!srv && port < 0) {
        throw new IllegalStateException("port is required unless SRV records are used");
      }
      Builder copy = new Builder();
      copy.domain = domain;
      copy.network = network;
      copy.port = port;
      copy.refreshInterval = refreshInterval;
      copy.srv = srv;
      copy.nameServers = nameServers;
      copy.queryTimeout = queryTimeout;
      return new DnsDiscovery(copy);
    }

    private static Duration positive(Duration d, String name) {
      if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
