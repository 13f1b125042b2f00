package io.jrpcx;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The per-call context, rpcx's {@code ctx}: an optional {@link Deadline} and the request metadata
 * sent with the call. Immutable; every {@code withX} returns a copy, so one context can be shared by
 * any number of concurrent calls.
 *
 * <pre>{@code
 * Context ctx = Context.background()
 *     .withTimeout(Duration.ofSeconds(1))
 *     .withMetadata("trace_id", "abc-123");
 * }</pre>
 */
public final class Context {
  private static final Context BACKGROUND = new Context(null, Map.of());

  private final Deadline deadline;
  private final Map<String, String> metadata;

  private Context(Deadline deadline, Map<String, String> metadata) {
    this.deadline = deadline;
    this.metadata = metadata;
  }

  /** The empty context: no deadline, no metadata. */
  public static Context background() {
    return BACKGROUND;
  }

  /** A copy whose deadline is {@code deadline} (or none when null). */
  public Context withDeadline(Deadline deadline) {
    return new Context(deadline, metadata);
  }

  /** A copy whose deadline is {@code timeout} from now. */
  public Context withTimeout(Duration timeout) {
    return new Context(Deadline.after(timeout), metadata);
  }

  /** A copy with one more request metadata entry (replacing an entry with the same key). */
  public Context withMetadata(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Map<String, String> copy = new LinkedHashMap<>(metadata);
    copy.put(key, value);
    return new Context(deadline, Collections.unmodifiableMap(copy));
  }

  /** A copy with these request metadata entries added (replacing entries with the same keys). */
  public Context withMetadata(Map<String, String> entries) {
    Map<String, String> copy = new LinkedHashMap<>(metadata);
    entries.forEach(
        (k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value")));
    return new Context(deadline, Collections.unmodifiableMap(copy));
  }

  /** The deadline, or {@code null} when the call may take as long as it needs. */
  public Deadline deadline() {
    return deadline;
  }

  /** Request metadata to send, unmodifiable. */
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public String toString() {
    return "Context[deadline=" + deadline + ", metadata=" + metadata + "]";
  }
}
