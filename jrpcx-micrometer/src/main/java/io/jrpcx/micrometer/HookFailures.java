package io.jrpcx.micrometer;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a failure inside a metrics hook without failing the call: the first at WARN, so that a
 * broken registry is noticed, the rest at DEBUG, so that it does not flood the log.
 */
final class HookFailures {
  private static final Logger log = LoggerFactory.getLogger(HookFailures.class);

  private final AtomicBoolean warned = new AtomicBoolean();
  private final String owner;

  HookFailures(String owner) {
    this.owner = owner;
  }

  void report(String hook, RuntimeException e) {
    if (warned.compareAndSet(false, true)) {
      log.warn(
          "{}: recording metrics in {} failed; calls go on unmeasured where this repeats"
              + " (later failures are logged at DEBUG)",
          owner,
          hook,
          e);
    } else {
      log.debug("{}: recording metrics in {} failed", owner, hook, e);
    }
  }
}
