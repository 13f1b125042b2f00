package io.jrpcx.registry.mdns;

import io.jrpcx.registry.mdns.Dns.Message;
import io.jrpcx.registry.mdns.Dns.Question;
import io.jrpcx.registry.mdns.Dns.Record;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browsing side of DNS-SD for one service type: a small mDNS cache of the instances of
 * {@code _rpcxservices.local.} (their PTR, SRV, TXT) and of the A/AAAA records of their hosts,
 * filled from every response seen on the group, solicited or not. Records expire with their TTL;
 * a TTL of 0 (a goodbye) or a PTR/SRV/TXT that expires removes the instance at once. An instance
 * is listed while its TXT is alive, since the TXT is where rpcx keeps everything a client needs.
 * Queries, and the authority section of probes, are never taken as facts. The cache is capped so
 * that a hostile peer cannot grow it without bound. Thread-safe; listeners run on the thread that
 * changed the list.
 */
final class Browser {
  private static final Logger log = LoggerFactory.getLogger(Browser.class);

  /** At most this many instances (and as many host names) are remembered. */
  static final int MAX_INSTANCES = 1024;

  private static final int MAX_ADDRESSES_PER_HOST = 16;

  /** One live instance: what its records said and when each expires (nanoTime). */
  static final class Instance {
    final String name;
    String target;
    int port;
    long srvExpires;
    long ptrExpires;
    List<RpcxTxt.Entry> entries;
    long txtExpires;

    /**
     * When each record is asked for again: zeroconf refreshes the TXT by itself, but the PTR and
     * SRV only when someone browses.
     */
    final Refresh ptrRefresh = new Refresh();

    final Refresh srvRefresh = new Refresh();
    final Refresh txtRefresh = new Refresh();

    Instance(String name) {
      this.name = name;
    }
  }

  /**
   * RFC 6762 §5.2: a record still wanted is queried at 80%, 85%, 90% and 95% of its TTL, so
   * that one lost answer does not let a live record expire.
   */
  static final class Refresh {
    private static final double[] AT = {0.80, 0.85, 0.90, 0.95};
    private long received;
    private long ttlNanos;
    private int asked = AT.length;

    void received(long now, long ttlSeconds) {
      received = now;
      ttlNanos = ttlSeconds * 1_000_000_000L;
      asked = 0;
    }

    /** Whether a query is due now; each of the four points is due once. */
    boolean due(long now) {
      boolean due = false;
      while (asked < AT.length && now - (received + (long) (AT[asked] * ttlNanos)) >= 0) {
        asked++;
        due = true;
      }
      return due;
    }
  }

  private final String service;
  private final String suffix;
  private final LongSupplier clock;
  private final Object lock = new Object();
  // Guarded by lock.
  private final Map<String, Instance> instances = new HashMap<>();
  private final Map<String, Map<InetAddress, Long>> hosts = new HashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** A browser of {@code service}, e.g. {@code _rpcxservices.local.}. */
  Browser(String service, LongSupplier nanoClock) {
    this.service = service.toLowerCase(Locale.ROOT);
    this.suffix = "." + this.service;
    this.clock = nanoClock;
  }

  String service() {
    return service;
  }

  void addListener(Runnable r) {
    listeners.add(r);
  }

  void removeListener(Runnable r) {
    listeners.remove(r);
  }

  /**
   * Go's browse query: one PTR question for the service type, QU bit clear, no known answers;
   * 37 bytes for {@code _rpcxservices.local.}.
   */
  Message query(int id) {
    return new Message(
        id,
        0,
        List.of(new Question(service, Dns.PTR, Dns.CLASS_IN)),
        List.of(),
        List.of(),
        List.of());
  }

  /** Takes the records of a response into the cache; ignores queries. */
  void received(Message m) {
    if (!m.isResponse()) {
      return;
    }
    boolean changed = false;
    long now = clock.getAsLong();
    synchronized (lock) {
      for (Record r : m.answersAndAdditional()) {
        changed |= take(r, now);
      }
    }
    if (changed) {
      fire();
    }
  }

  private boolean take(Record r, long now) {
    String owner = r.name().toLowerCase(Locale.ROOT);
    long expires = now + r.ttl() * 1_000_000_000L;
    switch (r.type()) {
      case Dns.PTR -> {
        if (!owner.equals(service)) {
          return false;
        }
        String name = r.target().toLowerCase(Locale.ROOT);
        if (!name.endsWith(suffix)) {
          return false;
        }
        if (r.ttl() == 0) {
          return instances.remove(name) != null;
        }
        Instance i = instance(name);
        if (i != null) {
          i.ptrExpires = expires;
          i.ptrRefresh.received(now, r.ttl());
        }
        return false;
      }
      case Dns.SRV -> {
        if (!owner.endsWith(suffix)) {
          return false;
        }
        if (r.ttl() == 0) {
          return instances.remove(owner) != null;
        }
        Instance i = instance(owner);
        if (i != null) {
          i.target = r.target().toLowerCase(Locale.ROOT);
          i.port = r.port();
          i.srvExpires = expires;
          i.srvRefresh.received(now, r.ttl());
        }
        return false;
      }
      case Dns.TXT -> {
        if (!owner.endsWith(suffix)) {
          return false;
        }
        if (r.ttl() == 0) {
          return instances.remove(owner) != null;
        }
        List<RpcxTxt.Entry> entries;
        try {
          entries = RpcxTxt.parse(r.strings());
        } catch (IOException e) {
          log.debug("ignoring the TXT of {}: not rpcx's: {}", owner, e.getMessage());
          return false;
        }
        Instance i = instance(owner);
        if (i == null) {
          return false;
        }
        boolean changed = !entries.equals(i.entries);
        i.entries = List.copyOf(entries);
        i.txtExpires = expires;
        i.txtRefresh.received(now, r.ttl());
        return changed;
      }
      case Dns.A, Dns.AAAA -> {
        Map<InetAddress, Long> addrs = hosts.get(owner);
        if (addrs == null) {
          if (r.ttl() == 0 || hosts.size() >= MAX_INSTANCES) {
            return false;
          }
          addrs = new HashMap<>();
          hosts.put(owner, addrs);
        }
        InetAddress a;
        try {
          a = InetAddress.getByAddress(r.data());
        } catch (UnknownHostException e) {
          return false; // cannot happen: the decoder checked the length
        }
        if (r.ttl() == 0) {
          addrs.remove(a);
        } else if (addrs.containsKey(a) || addrs.size() < MAX_ADDRESSES_PER_HOST) {
          addrs.put(a, expires);
        }
        if (addrs.isEmpty()) {
          hosts.remove(owner);
        }
        return false;
      }
      default -> {
        return false;
      }
    }
  }

  private Instance instance(String name) {
    Instance i = instances.get(name);
    if (i == null) {
      if (instances.size() >= MAX_INSTANCES) {
        log.debug("ignoring mDNS instance {}: {} instances are known already", name, MAX_INSTANCES);
        return null;
      }
      i = new Instance(name);
      instances.put(name, i);
    }
    return i;
  }

  /**
   * Drops what expired. Returns whether a record is due for a refresh query (80%, 85%, 90% or
   * 95% of its TTL passed without a new one), so the caller can browse again before it expires.
   */
  boolean expire() {
    long now = clock.getAsLong();
    boolean changed = false;
    boolean refresh = false;
    synchronized (lock) {
      for (var it = instances.values().iterator(); it.hasNext(); ) {
        Instance i = it.next();
        boolean dead =
            (i.ptrExpires != 0 && now - i.ptrExpires >= 0)
                || (i.srvExpires != 0 && now - i.srvExpires >= 0)
                || (i.txtExpires != 0 && now - i.txtExpires >= 0)
                || (i.entries == null && i.ptrExpires == 0 && i.srvExpires == 0);
        if (dead) {
          it.remove();
          changed |= i.entries != null;
        } else {
          // Not short-circuited: each record's due points are consumed.
          refresh |= i.ptrRefresh.due(now) | i.srvRefresh.due(now) | i.txtRefresh.due(now);
        }
      }
      for (var it = hosts.values().iterator(); it.hasNext(); ) {
        Map<InetAddress, Long> addrs = it.next();
        addrs.values().removeIf(e -> now - e >= 0);
        if (addrs.isEmpty()) {
          it.remove();
        }
      }
    }
    if (changed) {
      fire();
    }
    return refresh;
  }

  /** The live instances with a TXT, for readers of their entries. */
  List<Instance> instances() {
    synchronized (lock) {
      List<Instance> out = new ArrayList<>(instances.size());
      for (Instance i : instances.values()) {
        if (i.entries != null) {
          Instance copy = new Instance(i.name);
          copy.target = i.target;
          copy.port = i.port;
          copy.entries = i.entries;
          out.add(copy);
        }
      }
      return out;
    }
  }

  /** The addresses of {@code host} from A/AAAA records, for diagnostics and tests. */
  List<InetAddress> addresses(String host) {
    synchronized (lock) {
      Map<InetAddress, Long> addrs = hosts.get(host.toLowerCase(Locale.ROOT));
      return addrs == null ? List.of() : List.copyOf(addrs.keySet());
    }
  }

  private void fire() {
    for (Runnable r : listeners) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("an mDNS browse listener failed", e);
      }
    }
  }
}
