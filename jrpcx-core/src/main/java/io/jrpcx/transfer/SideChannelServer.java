package io.jrpcx.transfer;

import io.jrpcx.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The side-channel listener: accepts on its own thread, gives each connection a thread of a
 * bounded pool, reads exactly the 32-byte token within the token timeout, looks it up (closing
 * the connection on an unknown, used or expired one) and runs what the token was issued for.
 * Blocking sockets and a thread per transfer: see the package documentation for why.
 */
final class SideChannelServer implements SideChannel {
  private static final Logger log = LoggerFactory.getLogger(SideChannelServer.class);

  private final String kind;
  private final Endpoint endpoint;
  private final TlsConfig tlsConfig;
  private final SSLContext sslContext;
  private final TokenStore tokens;

  /** A channel, so that accepted sockets have channels too: downloads use zero-copy sends. */
  private final ServerSocketChannel listener;

  private final String bound;
  private final String advertised;
  private final ExecutorService pool;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile boolean closed;

  /**
   * Binds and starts accepting.
   *
   * @param serverTls the rpcx server's TLS settings, used when the endpoint opts in
   */
  SideChannelServer(String kind, Endpoint endpoint, TlsConfig serverTls) {
    this.kind = kind;
    this.endpoint = endpoint;
    if (endpoint.tls) {
      if (serverTls == null) {
        throw new IllegalStateException(kind + " asks for TLS but the server has no TlsConfig");
      }
      this.tlsConfig = serverTls;
      this.sslContext = JdkTls.context(serverTls);
    } else {
      this.tlsConfig = null;
      this.sslContext = null;
    }
    this.tokens = new TokenStore(endpoint.waitNum, endpoint.tokenExpiry.toNanos(), endpoint.ticker);
    int colon = endpoint.address.lastIndexOf(':');
    String host = endpoint.address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = Integer.parseInt(endpoint.address.substring(colon + 1));
    try {
      listener = ServerSocketChannel.open();
      listener.socket().setReuseAddress(true);
      listener.bind(
          host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port), 128);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot listen on " + endpoint.address + " for " + kind + ": " + e.getMessage(), e);
    }
    bound = SideConnection.format(listener.socket().getLocalSocketAddress());
    advertised =
        (endpoint.tls ? Transfers.TLS_PREFIX : "")
            + (endpoint.advertiseAddress != null ? endpoint.advertiseAddress : bound);
    AtomicInteger threads = new AtomicInteger();
    pool =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "jrpcx-" + kind + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    Thread acceptor = new Thread(this::acceptLoop, "jrpcx-" + kind + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    log.info(
        "jrpcx {} side channel listening on {}{}", kind, bound, endpoint.tls ? " with TLS" : "");
  }

  /** Issues a token for {@code pending}; see {@link TokenStore#issue}. */
  byte[] issue(TokenStore.Pending pending) {
    return tokens.issue(pending);
  }

  @Override
  public String address() {
    return bound;
  }

  @Override
  public String advertisedAddress() {
    return advertised;
  }

  @Override
  public int outstandingTokens() {
    return tokens.size();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = listener.accept().socket();
      } catch (IOException e) {
        if (!closed) {
          log.warn("{} side channel stopped accepting: {}", kind, e.toString());
        }
        return;
      }
      // Counted here, on the one accepting thread, so a burst cannot start more than the cap.
      if (connections.incrementAndGet() > endpoint.maxConnections) {
        connections.decrementAndGet();
        log.warn(
            "{} side channel refuses {}: {} connections already",
            kind,
            s.getRemoteSocketAddress(),
            endpoint.maxConnections);
        closeQuietly(s);
        continue;
      }
      open.add(s);
      try {
        pool.execute(() -> serve(s));
      } catch (RejectedExecutionException e) {
        forget(s);
        closeQuietly(s);
      }
    }
  }

  private void serve(Socket plain) {
    SideConnection conn = null;
    TokenStore.Pending pending = null;
    try {
      plain.setTcpNoDelay(true);
      Socket s = sslContext == null ? plain : JdkTls.server(sslContext, tlsConfig, plain);
      conn = new SideConnection(s, () -> forget(plain));
      byte[] token = readToken(s, conn.input());
      if (token == null) {
        conn.close();
        return;
      }
      pending = tokens.take(token);
      if (pending == null) {
        log.debug(
            "{} side channel: unknown, used or expired token from {}", kind, conn.remoteAddress());
        conn.close();
        return;
      }
      int idle = (int) Math.min(Integer.MAX_VALUE, endpoint.idleTimeout.toMillis());
      s.setSoTimeout(idle);
      pending.serve(conn);
      conn.close();
    } catch (Exception | Error e) {
      if (!closed) {
        log.warn(
            "{} side channel transfer from {} failed: {}",
            kind,
            plain.getRemoteSocketAddress(),
            e.toString());
      }
      if (conn != null) {
        conn.abort();
      } else {
        forget(plain);
        closeQuietly(plain);
      }
    } finally {
      if (pending != null) {
        pending.close();
      }
    }
  }

  /**
   * Exactly 32 bytes within the token timeout, however they are split: a peer sending one byte
   * at a time gets no longer in all. Null when they do not come.
   */
  private byte[] readToken(Socket s, InputStream in) throws IOException {
    long deadline = System.nanoTime() + endpoint.tokenReadTimeout.toNanos();
    byte[] token = new byte[Transfers.TOKEN_LENGTH];
    int have = 0;
    while (have < token.length) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        log.debug("{} side channel: no token within {}", kind, endpoint.tokenReadTimeout);
        return null;
      }
      s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
      int n;
      try {
        n = in.read(token, have, token.length - have);
      } catch (SocketTimeoutException e) {
        continue;
      }
      if (n < 0) {
        return null;
      }
      have += n;
    }
    return token;
  }

  private void forget(Socket s) {
    if (open.remove(s)) {
      connections.decrementAndGet();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(listener);
    tokens.close();
    for (Socket s : open) {
      try {
        s.setSoLinger(true, 0);
      } catch (SocketException e) {
        // closing anyway
      }
      closeQuietly(s);
    }
    pool.shutdown();
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }

  @Override
  public String toString() {
    return kind + " side channel on " + bound;
  }
}
