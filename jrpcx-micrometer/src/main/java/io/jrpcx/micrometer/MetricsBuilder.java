package io.jrpcx.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/** The options the client and server metrics share: the registry and the common tags. */
abstract class MetricsBuilder<B extends MetricsBuilder<B, P>, P> {
  final MeterRegistry registry;
  Tags tags = Tags.empty();

  MetricsBuilder(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Tags added to every meter, e.g. to tell apart two servers or clients sharing a registry. */
  public B tags(Iterable<Tag> tags) {
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    @SuppressWarnings("unchecked")
    B self = (B) this;
    return self;
  }

  /** Registers a gauge with the common tags, held strongly: the plugin owns what it reads. */
  <T> void gauge(String name, String description, T state, ToDoubleFunction<T> value) {
    Gauge.builder(name, state, value)
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  /** Registers the gauges in the registry and returns the plugin. */
  public abstract P build();
}
