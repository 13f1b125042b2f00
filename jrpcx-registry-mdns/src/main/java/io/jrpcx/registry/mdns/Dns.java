package io.jrpcx.registry.mdns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The few DNS message parts mDNS / DNS-SD needs (RFC 1035, RFC 6762): questions and A, AAAA,
 * PTR, SRV and TXT records; other records are kept as raw RDATA. The encoder compresses names
 * exactly as Go's miekg/dns (which rpcx's zeroconf uses) does, so that the bytes match Go's; the
 * decoder follows compression pointers and rejects anything malformed with an
 * {@link IOException}, never with another exception, since every packet on the LAN reaches it.
 */
final class Dns {
  static final int A = 1;
  static final int PTR = 12;
  static final int TXT = 16;
  static final int AAAA = 28;
  static final int SRV = 33;
  static final int ANY = 255;
  static final int CLASS_IN = 1;

  /** The top bit of a record's class in mDNS responses (RFC 6762 §10.2). */
  static final int CACHE_FLUSH = 0x8000;

  /** The top bit of a question's class: answer by unicast (RFC 6762 §5.4). */
  static final int UNICAST_RESPONSE = 0x8000;

  static final int FLAG_RESPONSE = 0x8000;
  static final int FLAG_AUTHORITATIVE = 0x0400;

  /** More records than this in one message is not something mDNS peers send; refuse it. */
  private static final int MAX_ENTRIES = 512;

  private static final int MAX_NAME = 255;

  /** miekg/dns only records names starting below this offset for compression. */
  private static final int MAX_COMPRESSION_OFFSET = 0x3FFF;

  private Dns() {}

  record Question(String name, int type, int qclass) {
    boolean unicastResponse() {
      return (qclass & UNICAST_RESPONSE) != 0;
    }
  }

  /**
   * One resource record. {@code rrclass} is the class as on the wire, cache-flush bit included.
   * Only the fields of its type are set: {@code target} (PTR, SRV), {@code priority},
   * {@code weight}, {@code port} (SRV), {@code strings} (TXT), {@code data} (A and AAAA
   * addresses, or the raw RDATA of any other type).
   */
  record Record(
      String name,
      int type,
      int rrclass,
      long ttl,
      String target,
      int priority,
      int weight,
      int port,
      List<byte[]> strings,
      byte[] data) {

    static Record ptr(String name, int rrclass, long ttl, String target) {
      return new Record(name, PTR, rrclass, ttl, target, 0, 0, 0, null, null);
    }

    static Record srv(
        String name, int rrclass, long ttl, int priority, int weight, int port, String target) {
      return new Record(name, SRV, rrclass, ttl, target, priority, weight, port, null, null);
    }

    static Record txt(String name, int rrclass, long ttl, List<byte[]> strings) {
      return new Record(name, TXT, rrclass, ttl, null, 0, 0, 0, List.copyOf(strings), null);
    }

    static Record address(String name, int rrclass, long ttl, byte[] address) {
      return new Record(
          name, address.length == 4 ? A : AAAA, rrclass, ttl, null, 0, 0, 0, null, address.clone());
    }

    boolean cacheFlush() {
      return (rrclass & CACHE_FLUSH) != 0;
    }

    int dnsClass() {
      return rrclass & ~CACHE_FLUSH;
    }

    @Override
    public String toString() {
      String rdata =
          switch (type) {
            case PTR -> target;
            case SRV -> priority + " " + weight + " " + port + " " + target;
            case TXT ->
                strings.stream()
                    .map(s -> new String(s, StandardCharsets.UTF_8))
                    .toList()
                    .toString();
            default -> data == null ? "" : java.util.HexFormat.of().formatHex(data);
          };
      return name
          + " "
          + typeName(type)
          + " class=0x"
          + Integer.toHexString(rrclass)
          + " ttl="
          + ttl
          + " "
          + rdata;
    }
  }

  record Message(
      int id,
      int flags,
      List<Question> questions,
      List<Record> answers,
      List<Record> authority,
      List<Record> additional) {
    Message {
      questions = List.copyOf(questions);
      answers = List.copyOf(answers);
      authority = List.copyOf(authority);
      additional = List.copyOf(additional);
    }

    boolean isResponse() {
      return (flags & FLAG_RESPONSE) != 0;
    }

    /** Answers then additional records: what an mDNS cache takes from a response. */
    List<Record> answersAndAdditional() {
      List<Record> all = new ArrayList<>(answers.size() + additional.size());
      all.addAll(answers);
      all.addAll(additional);
      return all;
    }
  }

  static String typeName(int type) {
    return switch (type) {
      case A -> "A";
      case PTR -> "PTR";
      case TXT -> "TXT";
      case AAAA -> "AAAA";
      case SRV -> "SRV";
      case ANY -> "ANY";
      default -> "TYPE" + type;
    };
  }

  /**
   * The message on the wire. With {@code compress}, names are compressed as miekg/dns does:
   * every name suffix written (compressible or not, such as an SRV target) is remembered, and
   * later owner names and PTR targets point to the longest remembered suffix; SRV targets are
   * never compressed (RFC 2782).
   *
   * @throws IllegalArgumentException for a name that is not a valid DNS name
   */
  static byte[] encode(Message m, boolean compress) {
    Writer w = new Writer(compress);
    w.u16(m.id());
    w.u16(m.flags());
    w.u16(m.questions().size());
    w.u16(m.answers().size());
    w.u16(m.authority().size());
    w.u16(m.additional().size());
    for (Question q : m.questions()) {
      w.name(q.name(), true);
      w.u16(q.type());
      w.u16(q.qclass());
    }
    for (List<Record> section : List.of(m.answers(), m.authority(), m.additional())) {
      for (Record r : section) {
        w.record(r);
      }
    }
    return w.out.toByteArray();
  }

  private static final class Writer {
    final Out out = new Out();

    /** Lower-cased name suffix to its offset; null when not compressing (as miekg/dns). */
    final Map<String, Integer> names;

    Writer(boolean compress) {
      names = compress ? new HashMap<>() : null;
    }

    void u16(int v) {
      out.write(v >>> 8);
      out.write(v);
    }

    void u32(long v) {
      u16((int) (v >>> 16));
      u16((int) v);
    }

    void record(Record r) {
      name(r.name(), true);
      u16(r.type());
      u16(r.rrclass());
      u32(r.ttl());
      int lengthAt = out.size();
      u16(0);
      switch (r.type()) {
        case PTR -> name(r.target(), true);
        case SRV -> {
          u16(r.priority());
          u16(r.weight());
          u16(r.port());
          name(r.target(), false);
        }
        case TXT -> {
          for (byte[] s : r.strings()) {
            if (s.length > 255) {
              throw new IllegalArgumentException("TXT string of " + s.length + " bytes");
            }
            out.write(s.length);
            out.write(s, 0, s.length);
          }
        }
        default -> out.write(r.data(), 0, r.data().length);
      }
      int length = out.size() - lengthAt - 2;
      out.set(lengthAt, length >>> 8);
      out.set(lengthAt + 1, length);
    }

    void name(String name, boolean compressible) {
      List<byte[]> labels = labels(name);
      for (int i = 0; i < labels.size(); i++) {
        if (names != null) {
          String suffix = suffix(labels, i);
          Integer at = names.get(suffix);
          if (at != null) {
            if (compressible) {
              u16(0xC000 | at);
              return;
            }
          } else if (out.size() < MAX_COMPRESSION_OFFSET) {
            names.put(suffix, out.size());
          }
        }
        out.write(labels.get(i).length);
        out.write(labels.get(i), 0, labels.get(i).length);
      }
      out.write(0);
    }

    private static String suffix(List<byte[]> labels, int from) {
      StringBuilder sb = new StringBuilder();
      for (int i = from; i < labels.size(); i++) {
        sb.append(new String(labels.get(i), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT))
            .append('.');
      }
      return sb.toString();
    }
  }

  /** The labels of a dotted name, the root omitted. */
  static List<byte[]> labels(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    List<byte[]> labels = new ArrayList<>();
    if (n.isEmpty()) {
      return labels;
    }
    int total = 1;
    for (String label : n.split("\\.", -1)) {
      byte[] b = label.getBytes(StandardCharsets.UTF_8);
      if (b.length == 0 || b.length > 63) {
        throw new IllegalArgumentException("not a DNS name: '" + name + "'");
      }
      total += b.length + 1;
      labels.add(b);
    }
    if (total > MAX_NAME) {
      throw new IllegalArgumentException("DNS name longer than 255 bytes: '" + name + "'");
    }
    return labels;
  }

  /** A ByteArrayOutputStream that can patch a byte already written (an RDATA length). */
  private static final class Out extends ByteArrayOutputStream {
    void set(int index, int b) {
      buf[index] = (byte) b;
    }
  }

  /**
   * Decodes a message.
   *
   * @throws IOException when it is truncated, has a bad compression pointer, an RDATA that does
   *     not match its length, or more entries than an mDNS peer sends
   */
  static Message decode(byte[] b, int length) throws IOException {
    Reader r = new Reader(b, length);
    int id = r.u16();
    int flags = r.u16();
    int qd = r.u16();
    int an = r.u16();
    int ns = r.u16();
    int ar = r.u16();
    if (qd + an + ns + ar > MAX_ENTRIES) {
      throw new IOException("too many entries: " + (qd + an + ns + ar));
    }
    List<Question> questions = new ArrayList<>(qd);
    for (int i = 0; i < qd; i++) {
      questions.add(new Question(r.name(), r.u16(), r.u16()));
    }
    List<Record> answers = r.records(an);
    List<Record> authority = r.records(ns);
    List<Record> additional = r.records(ar);
    return new Message(id, flags, questions, answers, authority, additional);
  }

  private static final class Reader {
    final byte[] b;
    final int limit;
    int pos;

    Reader(byte[] b, int length) {
      this.b = b;
      this.limit = length;
    }

    void need(int n) throws IOException {
      if (pos + n > limit) {
        throw new IOException("message truncated at offset " + pos);
      }
    }

    int u8() throws IOException {
      need(1);
      return b[pos++] & 0xff;
    }

    int u16() throws IOException {
      need(2);
      int v = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
      pos += 2;
      return v;
    }

    long u32() throws IOException {
      return ((long) u16() << 16) | u16();
    }

    List<Record> records(int n) throws IOException {
      List<Record> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(record());
      }
      return out;
    }

    Record record() throws IOException {
      String name = name();
      int type = u16();
      int rrclass = u16();
      long ttl = u32();
      int rdlength = u16();
      need(rdlength);
      int end = pos + rdlength;
      Record r;
      switch (type) {
        case PTR -> r = Record.ptr(name, rrclass, ttl, name());
        case SRV -> {
          int priority = u16();
          int weight = u16();
          int port = u16();
          r = Record.srv(name, rrclass, ttl, priority, weight, port, name());
        }
        case TXT -> {
          List<byte[]> strings = new ArrayList<>();
          while (pos < end) {
            int n = u8();
            if (pos + n > end) {
              throw new IOException("TXT string overruns its record at offset " + pos);
            }
            strings.add(Arrays.copyOfRange(b, pos, pos + n));
            pos += n;
          }
          r = Record.txt(name, rrclass, ttl, strings);
        }
        case A, AAAA -> {
          if (rdlength != (type == A ? 4 : 16)) {
            throw new IOException(typeName(type) + " record of " + rdlength + " bytes");
          }
          r = Record.address(name, rrclass, ttl, Arrays.copyOfRange(b, pos, end));
          pos = end;
        }
        default -> {
          r =
              new Record(
                  name, type, rrclass, ttl, null, 0, 0, 0, null, Arrays.copyOfRange(b, pos, end));
          pos = end;
        }
      }
      if (pos != end) {
        throw new IOException(typeName(type) + " RDATA length " + rdlength + " does not match");
      }
      return r;
    }

    /**
     * A name at {@code pos}, following compression pointers. A pointer must point before the
     * label that holds it, so a hostile message cannot make the reader loop.
     */
    String name() throws IOException {
      StringBuilder sb = new StringBuilder();
      int p = pos;
      int resumeAt = -1;
      int length = 1;
      while (true) {
        if (p >= limit) {
          throw new IOException("name runs past the message at offset " + p);
        }
        int len = b[p] & 0xff;
        if ((len & 0xC0) == 0xC0) {
          if (p + 1 >= limit) {
            throw new IOException("truncated compression pointer at offset " + p);
          }
          int target = ((len & 0x3F) << 8) | (b[p + 1] & 0xff);
          if (target >= p) {
            throw new IOException("forward compression pointer at offset " + p);
          }
          if (resumeAt < 0) {
            resumeAt = p + 2;
          }
          p = target;
        } else if ((len & 0xC0) != 0) {
          throw new IOException("unknown label type at offset " + p);
        } else if (len == 0) {
          pos = resumeAt < 0 ? p + 1 : resumeAt;
          return sb.length() == 0 ? "." : sb.toString();
        } else {
          if (p + 1 + len > limit) {
            throw new IOException("label runs past the message at offset " + p);
          }
          length += len + 1;
          if (length > MAX_NAME) {
            throw new IOException("name longer than 255 bytes at offset " + pos);
          }
          sb.append(new String(b, p + 1, len, StandardCharsets.UTF_8)).append('.');
          p += 1 + len;
        }
      }
    }
  }
}
