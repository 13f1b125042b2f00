package io.jrpcx.client.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A discovery that remembers a healthy node list on disk and serves it while the registry reports
 * too few nodes, rpcx's {@code CacheDiscovery}: protection against a registry outage or a registry
 * that was wiped, which would otherwise leave every client without servers.
 *
 * <pre>{@code
 * ServiceDiscovery d = CachingDiscovery.wrap(zookeeperDiscovery, 0, Path.of(".cache/Arith.json"));
 * }</pre>
 *
 * <p>Whenever the wrapped discovery reports more than {@code threshold} nodes, that list is served
 * and remembered, in memory and in the file (a JSON array of {@code {"key":..,"value":..}} objects,
 * replaced atomically). Whenever it reports {@code threshold} nodes or fewer and a remembered list
 * exists, the remembered list is served instead; a WARN is logged when that starts and an INFO when
 * the live list is served again. A list remembered by an earlier run is read from the file at
 * start, so a client restarted during an outage still finds its servers. A missing or unreadable
 * file is logged and ignored, and a file that cannot be written only costs the on-disk copy.
 *
 * <p>The file holds the nodes of one service: give each service its own file. {@link
 * #clone(String)} follows that rule by placing {@code <servicePath>.json} beside this discovery's
 * file. The filter set on this discovery applies to whichever list is served; the threshold counts
 * the nodes the wrapped discovery reports. {@link #close()} closes the wrapped discovery too.
 */
public final class CachingDiscovery extends AbstractServiceDiscovery {
  private static final Logger log = LoggerFactory.getLogger(CachingDiscovery.class);

  private final ServiceDiscovery delegate;
  private final int threshold;
  private final Path file;
  private final ObjectMapper json = new ObjectMapper();
  private final Watcher onDelegateUpdate = this::onDelegateUpdate;

  private final Object lock = new Object();
  // Guarded by lock.
  private List<KVPair> cached;
  private boolean servingCache;
  private boolean delegateUpdated;

  private CachingDiscovery(ServiceDiscovery delegate, int threshold, Path file) {
    this.delegate = delegate;
    this.threshold = threshold;
    this.file = file;
    this.cached = load(file);
  }

  /**
   * Wraps {@code delegate}, reading the list a previous run remembered in {@code file} if there is
   * one, and starts following the delegate.
   *
   * @param delegate the discovery whose list is served while it is healthy; closed with this one
   * @param threshold the largest node count that is treated as an outage, at least 0; with 0 only
   *     an empty list is
   * @param file where the healthy list is kept, one file per service; its directory is created on
   *     the first write
   * @throws IllegalArgumentException if {@code threshold} is negative
   * @throws NullPointerException if {@code delegate} or {@code file} is null
   */
  public static CachingDiscovery wrap(ServiceDiscovery delegate, int threshold, Path file) {
    Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(file, "file");
    if (threshold < 0) {
      throw new IllegalArgumentException("threshold must be at least 0, got " + threshold);
    }
    CachingDiscovery d = new CachingDiscovery(delegate, threshold, file);
    d.start();
    return d;
  }

  /** The file the healthy list is kept in. */
  public Path file() {
    return file;
  }

  /**
   * Wraps {@code delegate.clone(servicePath)} with the same threshold and the file {@code
   * <servicePath>.json} in this discovery's file's directory; characters other than letters,
   * digits, {@code .}, {@code -} and {@code _} in the service path become {@code _}.
   */
  @Override
  public CachingDiscovery clone(String servicePath) {
    Objects.requireNonNull(servicePath, "servicePath");
    String name = servicePath.replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
    return wrap(delegate.clone(servicePath), threshold, file.resolveSibling(name));
  }

  @Override
  protected void doClose() {
    delegate.removeWatcher(onDelegateUpdate);
    delegate.close();
  }

  /** The delegate's: it is the one that reads the registry. */
  @Override
  public Throwable lastError() {
    Throwable own = super.lastError();
    return own != null ? own : delegate.lastError();
  }

  @Override
  public String toString() {
    return "CachingDiscovery{" + delegate + ", file=" + file + "}";
  }

  private void start() {
    // Watch before reading so that no change falls between the two.
    delegate.watch(onDelegateUpdate);
    List<KVPair> initial = delegate.services();
    synchronized (lock) {
      // An update that raced ahead of the read is at least as new as what the read returned.
      if (!delegateUpdated) {
        apply(initial);
      }
    }
  }

  private void onDelegateUpdate(List<KVPair> live) {
    synchronized (lock) {
      delegateUpdated = true;
      apply(live);
    }
  }

  /** Chooses between the live and the remembered list; called under lock, in delegate order. */
  private void apply(List<KVPair> live) {
    if (isClosed()) {
      return;
    }
    if (live.size() > threshold) {
      if (!live.equals(cached)) {
        cached = List.copyOf(live);
        // Written here, under the lock, so the file always ends with the newest healthy list.
        save(cached);
      }
      if (servingCache) {
        servingCache = false;
        log.info(
            "{}: discovery reports {} nodes again, above the threshold of {}; serving the live list",
            file,
            live.size(),
            threshold);
      }
      publish(live);
    } else if (cached != null && !cached.isEmpty()) {
      if (!servingCache) {
        servingCache = true;
        log.warn(
            "{}: discovery reports {} nodes, at most the threshold of {}; serving the {}"
                + " remembered nodes until it recovers",
            file,
            live.size(),
            threshold,
            cached.size());
      }
      publish(cached);
    } else {
      publish(live);
    }
  }

  private List<KVPair> load(Path path) {
    JsonNode root;
    try {
      root = json.readTree(Files.readAllBytes(path));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      // A corrupt cache must never stop a client: it only loses the outage protection.
      log.warn("Ignoring discovery cache {}: {}", path, e.toString());
      return null;
    }
    if (root == null || !root.isArray()) {
      log.warn("Ignoring discovery cache {}: expected a JSON array of key/value objects", path);
      return null;
    }
    List<KVPair> nodes = new ArrayList<>(root.size());
    for (JsonNode entry : root) {
      JsonNode key = entry.get("key");
      JsonNode value = entry.get("value");
      if (key == null
          || !key.isTextual()
          || key.asText().isEmpty()
          || (value != null && !value.isTextual() && !value.isNull())) {
        log.warn("Ignoring discovery cache {}: malformed entry {}", path, entry);
        return null;
      }
      nodes.add(new KVPair(key.asText(), value == null || value.isNull() ? "" : value.asText()));
    }
    log.debug("Read {} remembered nodes from {}", nodes.size(), path);
    return List.copyOf(nodes);
  }

  private void save(List<KVPair> nodes) {
    ArrayNode root = json.createArrayNode();
    for (KVPair node : nodes) {
      root.addObject().put("key", node.key()).put("value", node.value());
    }
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      // Same directory, so the move is a rename and a reader never sees half a file.
      tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | RuntimeException e) {
      log.warn("Could not write discovery cache {}; keeping the list in memory only", file, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          log.debug("Could not delete {}", tmp, e);
        }
      }
    }
  }
}
