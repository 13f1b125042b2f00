package io.jrpcx.transfer;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokens issued and not yet used, oldest first: at most {@code capacity} (issuing one more
 * forgets the oldest, Go's LRU of {@code waitNum}), each usable once and until it expires. What a
 * forgotten token would have served is closed, so an unused download releases its file.
 */
final class TokenStore {
  private static final Logger log = LoggerFactory.getLogger(TokenStore.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What a token opens, run on the side-channel connection that presents it. */
  interface Pending extends AutoCloseable {
    void serve(SideConnection connection) throws Exception;

    /** Releases what the pending transfer holds; it will never be served. */
    @Override
    default void close() {}
  }

  private final int capacity;
  private final long expiryNanos;
  private final LongSupplier ticker;
  private final Map<Key, Entry> entries = new LinkedHashMap<>();
  private boolean closed;

  TokenStore(int capacity, long expiryNanos, LongSupplier ticker) {
    this.capacity = capacity;
    this.expiryNanos = expiryNanos;
    this.ticker = ticker;
  }

  /** A fresh token for {@code pending}. */
  byte[] issue(Pending pending) {
    byte[] token = new byte[Transfers.TOKEN_LENGTH];
    RANDOM.nextBytes(token);
    List<Pending> dropped = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        dropped.add(pending);
        token = null;
      } else {
        long now = ticker.getAsLong();
        expire(now, dropped);
        Iterator<Entry> oldest = entries.values().iterator();
        while (entries.size() >= capacity && oldest.hasNext()) {
          dropped.add(oldest.next().pending);
          oldest.remove();
        }
        entries.put(new Key(token), new Entry(pending, now + expiryNanos));
      }
    }
    release(dropped);
    if (token == null) {
      throw new IllegalStateException("the side channel is closed");
    }
    return token;
  }

  /** The pending transfer of {@code token}, now forgotten; null for an unknown or expired one. */
  Pending take(byte[] token) {
    List<Pending> dropped = new ArrayList<>();
    Entry e;
    synchronized (this) {
      expire(ticker.getAsLong(), dropped);
      e = entries.remove(new Key(token));
    }
    release(dropped);
    return e == null ? null : e.pending;
  }

  synchronized int size() {
    return entries.size();
  }

  /** Forgets every token and refuses new ones. */
  void close() {
    List<Pending> dropped;
    synchronized (this) {
      closed = true;
      dropped = new ArrayList<>();
      for (Entry e : entries.values()) {
        dropped.add(e.pending);
      }
      entries.clear();
    }
    release(dropped);
  }

  /** Entries are in issue order, and all live equally long, so the expired ones come first. */
  private void expire(long now, List<Pending> dropped) {
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (now - e.expiresAt < 0) {
        return;
      }
      dropped.add(e.pending);
      it.remove();
    }
  }

  private static void release(List<Pending> dropped) {
    for (Pending p : dropped) {
      try {
        p.close();
      } catch (RuntimeException e) {
        log.warn("releasing an unused transfer failed", e);
      }
    }
  }

  private static final class Entry {
    final Pending pending;
    final long expiresAt;

    Entry(Pending pending, long expiresAt) {
      this.pending = pending;
      this.expiresAt = expiresAt;
    }
  }

  private static final class Key {
    private final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key && java.security.MessageDigest.isEqual(((Key) o).bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
