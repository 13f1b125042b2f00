package io.jrpcx.registry.mdns;

import io.jrpcx.registry.mdns.Dns.Message;
import io.jrpcx.registry.mdns.Dns.Question;
import io.jrpcx.registry.mdns.Dns.Record;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The records one rpcx server announces, and the messages Go's zeroconf (v1.0.0, as used by rpcx
 * v1.9.1) builds from them: the same records, order, classes, TTLs, header flags and compression
 * choices, so that a Go peer cannot tell the difference. Immutable; a TXT change makes a new one.
 *
 * @param instance {@code <instance>._rpcxservices.local.}
 * @param service {@code _rpcxservices.local.}
 * @param host the SRV target, {@code <hostname>.local.}
 * @param txt the one TXT string (without its length byte)
 */
record Zone(
    String instance,
    String service,
    String host,
    int port,
    long ttl,
    List<Inet4Address> addresses,
    byte[] txt) {
  /** The DNS-SD service type enumeration name (RFC 6763 §9), in {@code local.}. */
  static final String SERVICE_TYPES = "_services._dns-sd._udp.";

  /** RFC 6762 §10: host address records live 120 s; zeroconf uses that for A/AAAA. */
  static final long ADDRESS_TTL = 120;

  private static final int IN = Dns.CLASS_IN;
  private static final int IN_FLUSH = Dns.CLASS_IN | Dns.CACHE_FLUSH;

  Zone {
    addresses = List.copyOf(addresses);
    txt = txt.clone();
  }

  /**
   * The zone of instance {@code instanceName} of type {@code serviceType} (e.g.
   * {@code _rpcxservices}) in {@code domain}, on host {@code hostName}. As zeroconf, the host
   * name gets the domain appended unless it already ends with it.
   */
  static Zone of(
      String instanceName,
      String hostName,
      String serviceType,
      String domain,
      int port,
      long ttl,
      List<Inet4Address> addresses,
      byte[] txt) {
    String d = trimDot(domain);
    String service = serviceType + "." + d + ".";
    String h = trimDot(hostName);
    String host =
        h.toLowerCase(Locale.ROOT).endsWith("." + d.toLowerCase(Locale.ROOT))
            ? h + "."
            : h + "." + d + ".";
    Zone z =
        new Zone(trimDot(instanceName) + "." + service, service, host, port, ttl, addresses, txt);
    z.validate();
    return z;
  }

  private void validate() {
    // Throws IllegalArgumentException for names that cannot be written.
    Dns.encode(announcement(), true);
  }

  Zone withText(byte[] newTxt) {
    return new Zone(instance, service, host, port, ttl, addresses, newTxt);
  }

  String serviceTypes() {
    return SERVICE_TYPES + service.substring(service.indexOf('.') + 1);
  }

  private long addressTtl(long t) {
    return Math.min(t, ADDRESS_TTL);
  }

  /** zeroconf's probe: a PTR question for the instance, SRV and TXT in the authority section. */
  Message probe(int id) {
    return new Message(
        id,
        0,
        List.of(new Question(instance, Dns.PTR, IN)),
        List.of(),
        List.of(srv(IN, ttl), txt(IN, ttl)),
        List.of());
  }

  /** An unsolicited announcement (sent compressed): SRV, TXT, both PTRs, A; flush bits set. */
  Message announcement() {
    return new Message(
        0, Dns.FLAG_RESPONSE, List.of(), lookupAnswers(ttl, true), List.of(), List.of());
  }

  /** The goodbye (sent uncompressed): the announcement's records with TTL 0. */
  Message goodbye() {
    return new Message(
        0, Dns.FLAG_RESPONSE, List.of(), lookupAnswers(0, true), List.of(), List.of());
  }

  /** zeroconf's SetText: the TXT alone, cache-flush, full TTL (sent uncompressed). */
  Message textUpdate() {
    return new Message(
        0, Dns.FLAG_RESPONSE, List.of(), List.of(txt(IN_FLUSH, ttl)), List.of(), List.of());
  }

  /**
   * The responses zeroconf sends to {@code query}, one per question that it answers (sent
   * compressed): the browse question for the service type gets PTR plus SRV, TXT and A as
   * additional records, a question for the instance name (any type) gets the announcement's
   * records without flush bits, the DNS-SD enumeration gets the type PTR. Like zeroconf it
   * copies the query's id, answers nothing when the query carries authority records (a probe)
   * and leaves out a PTR the query already lists as a known answer with at least half its TTL.
   * Unlike zeroconf, names match case-insensitively, as DNS names do.
   */
  List<Response> answer(Message query) {
    List<Response> out = new ArrayList<>();
    if (query.isResponse() || !query.authority().isEmpty()) {
      return out;
    }
    int flags = Dns.FLAG_RESPONSE | Dns.FLAG_AUTHORITATIVE | (query.flags() & 0x7810);
    for (Question q : query.questions()) {
      List<Record> answers = new ArrayList<>();
      List<Record> extra = new ArrayList<>();
      if (q.name().equalsIgnoreCase(serviceTypes())) {
        answers.add(Record.ptr(serviceTypes(), IN, ttl, service));
      } else if (q.name().equalsIgnoreCase(service)) {
        answers.add(Record.ptr(service, IN, ttl, instance));
        extra.add(srv(IN, ttl));
        extra.add(txt(IN, ttl));
        extra.addAll(addressRecords(ttl, false));
      } else if (q.name().equalsIgnoreCase(instance)) {
        answers.addAll(lookupAnswers(ttl, false));
      }
      if (answers.isEmpty() || knownAnswer(answers.get(0), query)) {
        continue;
      }
      out.add(
          new Response(
              new Message(query.id(), flags, List.of(), answers, List.of(), extra),
              q.unicastResponse()));
    }
    return out;
  }

  /** A response and whether it goes back to the asker alone (QU question). */
  record Response(Message message, boolean unicast) {}

  private static boolean knownAnswer(Record ours, Message query) {
    if (ours.type() != Dns.PTR) {
      return false;
    }
    for (Record known : query.answers()) {
      if (known.type() == Dns.PTR
          && known.target().equalsIgnoreCase(ours.target())
          && known.ttl() >= ours.ttl() / 2) {
        return true;
      }
    }
    return false;
  }

  private List<Record> lookupAnswers(long t, boolean flush) {
    int c = flush ? IN_FLUSH : IN;
    List<Record> r = new ArrayList<>();
    r.add(srv(c, t));
    r.add(txt(c, t));
    r.add(Record.ptr(service, IN, t, instance));
    r.add(Record.ptr(serviceTypes(), IN, t, service));
    r.addAll(addressRecords(t, flush));
    return r;
  }

  private List<Record> addressRecords(long t, boolean flush) {
    List<Record> r = new ArrayList<>(addresses.size());
    for (Inet4Address a : addresses) {
      r.add(Record.address(host, flush ? IN_FLUSH : IN, addressTtl(t), a.getAddress()));
    }
    return r;
  }

  private Record srv(int rrclass, long t) {
    return Record.srv(instance, rrclass, t, 0, 0, port, host);
  }

  private Record txt(int rrclass, long t) {
    return Record.txt(instance, rrclass, t, List.of(txt));
  }

  private static String trimDot(String s) {
    String t = s;
    while (t.startsWith(".")) {
      t = t.substring(1);
    }
    while (t.endsWith(".")) {
      t = t.substring(0, t.length() - 1);
    }
    return t;
  }
}
