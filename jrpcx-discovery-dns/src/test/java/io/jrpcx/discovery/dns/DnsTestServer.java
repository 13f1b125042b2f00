package io.jrpcx.discovery.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An authoritative DNS server on loopback, for tests: UDP and TCP on the same port, answering A,
 * AAAA and SRV questions from records the test sets and changes while it runs. It can also stop
 * answering ({@link #silent}) or answer SERVFAIL ({@link #serverFailure}), to stand in for an
 * outage. Truncates UDP answers with more than {@link #udpLimit} records so that clients retry
 * over TCP, as real servers do with answers beyond 512 bytes.
 */
public final class DnsTestServer implements AutoCloseable {
  /** One SRV record's data. */
  public record Srv(int priority, int weight, int port, String target) {}

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(
          1, new DefaultThreadFactory("dns-test-server", true), NioIoHandler.newFactory());
  private final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();
  private final Map<String, List<Srv>> srvs = new ConcurrentHashMap<>();
  private final AtomicInteger queries = new AtomicInteger();
  private final AtomicInteger tcpQueries = new AtomicInteger();
  private final Map<String, AtomicInteger> queriesByName = new ConcurrentHashMap<>();
  private volatile int ttl = 60;
  private volatile boolean silent;
  private volatile boolean serverFailure;
  private volatile int udpLimit = Integer.MAX_VALUE;
  private final Channel udp;
  private final Channel tcp;

  /** Starts on a free loopback port. */
  public DnsTestServer() {
    this(0);
  }

  /**
   * Starts on {@code port} of loopback, UDP and TCP; with 0, on a port free for both (a free UDP
   * port may be taken for TCP, so it tries again with another).
   */
  public DnsTestServer(int port) {
    Channel[] bound = null;
    Exception last = null;
    for (int attempt = 0; attempt < (port == 0 ? 20 : 1) && bound == null; attempt++) {
      try {
        bound = bind(port);
      } catch (Exception e) { // Netty rethrows the BindException unchecked
        last = e;
      }
    }
    if (bound == null) {
      group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
      throw new IllegalStateException("cannot bind UDP and TCP on one loopback port", last);
    }
    udp = bound[0];
    tcp = bound[1];
  }

  private Channel[] bind(int port) {
    Channel u =
        new Bootstrap()
            .group(group)
            .channel(NioDatagramChannel.class)
            .handler(
                new ChannelInitializer<DatagramChannel>() {
                  @Override
                  protected void initChannel(DatagramChannel ch) {
                    ch.pipeline()
                        .addLast(new DatagramDnsQueryDecoder())
                        .addLast(new DatagramDnsResponseEncoder())
                        .addLast(new UdpHandler());
                  }
                })
            .bind(InetAddress.getLoopbackAddress(), port)
            .syncUninterruptibly()
            .channel();
    try {
      Channel t =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new TcpDnsQueryDecoder())
                          .addLast(new TcpDnsResponseEncoder())
                          .addLast(new TcpHandler());
                    }
                  })
              .bind(
                  InetAddress.getLoopbackAddress(),
                  ((InetSocketAddress) u.localAddress()).getPort())
              .syncUninterruptibly()
              .channel();
      return new Channel[] {u, t};
    } catch (Exception e) { // a BindException, rethrown unchecked by Netty
      u.close().syncUninterruptibly();
      throw e;
    }
  }

  /** Where the server listens, UDP and TCP. */
  public InetSocketAddress address() {
    return (InetSocketAddress) udp.localAddress();
  }

  /** Sets the A and AAAA records of {@code name} to {@code ips} (none: removes them). */
  public DnsTestServer addresses(String name, String... ips) {
    List<InetAddress> list = new ArrayList<>();
    for (String ip : ips) {
      try {
        list.add(InetAddress.getByName(ip)); // literals only: nothing is looked up
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(ip, e);
      }
    }
    addresses.put(key(name), List.copyOf(list));
    return this;
  }

  /** Sets the SRV records of {@code name} (none: removes them). */
  public DnsTestServer srv(String name, Srv... records) {
    srvs.put(key(name), List.of(records));
    return this;
  }

  /** The TTL of every record answered from now on, in seconds; 60 by default. */
  public DnsTestServer ttl(int seconds) {
    this.ttl = seconds;
    return this;
  }

  /** While true, questions get no answer at all, as from a server that is down. */
  public DnsTestServer silent(boolean silent) {
    this.silent = silent;
    return this;
  }

  /** While true, questions are answered SERVFAIL. */
  public DnsTestServer serverFailure(boolean fail) {
    this.serverFailure = fail;
    return this;
  }

  /** UDP answers with more records than this are sent empty with the TC bit set. */
  public DnsTestServer udpLimit(int records) {
    this.udpLimit = records;
    return this;
  }

  /** Questions received so far, over UDP and TCP. */
  public int queries() {
    return queries.get();
  }

  /** Questions about {@code name} received so far. */
  public int queries(String name) {
    AtomicInteger n = queriesByName.get(key(name));
    return n == null ? 0 : n.get();
  }

  /** Questions received over TCP so far. */
  public int tcpQueries() {
    return tcpQueries.get();
  }

  @Override
  public void close() {
    udp.close().syncUninterruptibly();
    tcp.close().syncUninterruptibly();
    group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static String key(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n : n + ".";
  }

  /** Fills {@code response} for {@code query}; false when the server is silent. */
  private boolean answer(DnsQuery query, DnsResponse response, boolean udpTransport) {
    queries.incrementAndGet();
    DnsQuestion q = query.recordAt(DnsSection.QUESTION);
    queriesByName.computeIfAbsent(key(q.name()), k -> new AtomicInteger()).incrementAndGet();
    if (silent) {
      return false;
    }
    response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(q.name(), q.type()));
    response.setAuthoritativeAnswer(true).setRecursionAvailable(true);
    if (serverFailure) {
      response.setCode(DnsResponseCode.SERVFAIL);
      return true;
    }
    String name = key(q.name());
    List<DefaultDnsRawRecord> answers = new ArrayList<>();
    if (q.type() == DnsRecordType.A || q.type() == DnsRecordType.AAAA) {
      int size = q.type() == DnsRecordType.A ? 4 : 16;
      for (InetAddress a : addresses.getOrDefault(name, List.of())) {
        if (a.getAddress().length == size) {
          answers.add(
              new DefaultDnsRawRecord(
                  q.name(), q.type(), ttl, Unpooled.wrappedBuffer(a.getAddress())));
        }
      }
    } else if (q.type() == DnsRecordType.SRV) {
      for (Srv s : srvs.getOrDefault(name, List.of())) {
        ByteBuf data = Unpooled.buffer();
        data.writeShort(s.priority()).writeShort(s.weight()).writeShort(s.port());
        writeName(data, s.target());
        answers.add(new DefaultDnsRawRecord(q.name(), DnsRecordType.SRV, ttl, data));
      }
    }
    boolean known = addresses.containsKey(name) || srvs.containsKey(name);
    if (!known) {
      response.setCode(DnsResponseCode.NXDOMAIN);
    }
    if (udpTransport && answers.size() > udpLimit) {
      answers.forEach(DefaultDnsRawRecord::release);
      response.setTruncated(true);
      return true;
    }
    answers.forEach(r -> response.addRecord(DnsSection.ANSWER, r));
    return true;
  }

  /** An uncompressed domain name, as RFC 2782 asks for SRV targets. */
  private static void writeName(ByteBuf out, String name) {
    for (String label : name.split("\\.")) {
      if (!label.isEmpty()) {
        byte[] b = label.getBytes(StandardCharsets.US_ASCII);
        out.writeByte(b.length).writeBytes(b);
      }
    }
    out.writeByte(0);
  }

  private final class UdpHandler extends SimpleChannelInboundHandler<DatagramDnsQuery> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
      DatagramDnsResponse response =
          new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
      if (answer(query, response, true)) {
        ctx.writeAndFlush(response);
      } else {
        response.release();
      }
    }
  }

  private final class TcpHandler extends SimpleChannelInboundHandler<DnsQuery> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
      tcpQueries.incrementAndGet();
      DefaultDnsResponse response = new DefaultDnsResponse(query.id());
      if (answer(query, response, false)) {
        ctx.writeAndFlush(response);
      } else {
        response.release();
      }
    }
  }
}
