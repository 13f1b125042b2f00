package io.jrpcx.registry;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A registry client shared by a template discovery and its clones (rpcx's
 * {@code New...DiscoveryTemplate}, used by {@link io.jrpcx.client.OneClient}): each holder
 * {@link #retain()}s it and {@link #release()}s it when closed, and the last release closes the
 * client, but only if the discovery opened it; a client the user passed in stays the user's.
 * Thread-safe.
 *
 * @param <C> the registry's client type
 */
public final class SharedClient<C> {
  private final C client;
  private final Consumer<? super C> close; // null when the client is the caller's
  private int holders = 1; // guarded by this

  private SharedClient(C client, Consumer<? super C> close) {
    this.client = Objects.requireNonNull(client, "client");
    this.close = close;
  }

  /** A client opened for the discovery, closed with {@code close} by the last release. */
  public static <C> SharedClient<C> owned(C client, Consumer<? super C> close) {
    return new SharedClient<>(client, Objects.requireNonNull(close, "close"));
  }

  /** A client the caller passed in: never closed here. */
  public static <C> SharedClient<C> borrowed(C client) {
    return new SharedClient<>(client, null);
  }

  /** The client. */
  public C get() {
    return client;
  }

  /**
   * One more holder, e.g. a clone.
   *
   * @throws IllegalStateException when every holder has released it
   */
  public synchronized SharedClient<C> retain() {
    if (holders == 0) {
      throw new IllegalStateException("discovery is closed");
    }
    holders++;
    return this;
  }

  /** One holder less; the last one closes an owned client. Extra releases do nothing. */
  public void release() {
    boolean last;
    synchronized (this) {
      last = holders > 0 && --holders == 0;
    }
    if (last && close != null) {
      close.accept(client);
    }
  }
}
