package io.jrpcx.registry;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The threads registry clients run their loops on (update, watch, re-registration): one daemon
 * thread each, named for what it serves, so that a plugin or discovery left open never keeps the
 * JVM alive and a thread dump says who is waiting.
 */
public final class Daemons {
  private Daemons() {}

  /** A scheduled executor of one daemon thread called {@code name}. */
  public static ScheduledExecutorService singleThread(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
