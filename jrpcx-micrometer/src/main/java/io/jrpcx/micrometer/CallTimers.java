package io.jrpcx.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The call timers of one side, one per service, method and outcome, looked up in a map of our own
 * so that a call does not build a meter id and ask the registry each time.
 */
final class CallTimers {
  static final String SUCCESS = "success";
  static final String ERROR = "error";

  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final Tags commonTags;
  private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

  private record Key(String service, String method, String outcome, String exception) {}

  CallTimers(MeterRegistry registry, String name, String description, Tags commonTags) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.commonTags = commonTags;
  }

  /** The timer for these tags; {@code exception} null leaves that tag out. */
  Timer get(String service, String method, String outcome, String exception) {
    return timers.computeIfAbsent(
        new Key(service, method, outcome, exception),
        k -> {
          Tags tags =
              commonTags.and("service", k.service, "method", k.method, "outcome", k.outcome);
          if (k.exception != null) {
            tags = tags.and("exception", k.exception);
          }
          return Timer.builder(name).description(description).tags(tags).register(registry);
        });
  }
}
