package io.jrpcx.internal;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line of defence of a network thread: an {@link IoHandler} whose {@link #run} never
 * throws. Netty ends an event loop's thread when its I/O step throws (an {@link
 * OutOfMemoryError} in a handler's error path, say), and every channel on it, the listening socket
 * included when it was there, is then never served again while the process stays up. Handlers
 * catch what they can; what still escapes is logged, counted, and the loop goes on.
 */
final class SafeIoHandler implements IoHandler {
  private static final Logger log = LoggerFactory.getLogger(SafeIoHandler.class);

  private final IoHandler delegate;
  private final AtomicLong escaped;

  SafeIoHandler(IoHandler delegate, AtomicLong escaped) {
    this.delegate = delegate;
    this.escaped = escaped;
  }

  /** Wraps every handler {@code factory} makes; {@code escaped} counts what was caught. */
  static IoHandlerFactory wrap(IoHandlerFactory factory, AtomicLong escaped) {
    return new IoHandlerFactory() {
      @Override
      public IoHandler newHandler(io.netty.util.concurrent.ThreadAwareExecutor executor) {
        return new SafeIoHandler(factory.newHandler(executor), escaped);
      }

      @Override
      public boolean isChangingThreadSupported() {
        return factory.isChangingThreadSupported();
      }
    };
  }

  @Override
  public void initialize() {
    delegate.initialize();
  }

  @Override
  public int run(IoHandlerContext context) {
    try {
      return delegate.run(context);
    } catch (Throwable t) {
      escaped.incrementAndGet();
      try {
        log.error(
            "network thread {} caught {} escaping its I/O step; it goes on serving",
            Thread.currentThread().getName(),
            t.toString());
      } catch (Throwable ignored) {
        // Logging itself failed (out of memory): the count above still tells.
      }
      return 0;
    }
  }

  @Override
  public void prepareToDestroy() {
    delegate.prepareToDestroy();
  }

  @Override
  public void destroy() {
    delegate.destroy();
  }

  @Override
  public IoRegistration register(IoHandle handle) throws Exception {
    return delegate.register(handle);
  }

  @Override
  public void wakeup() {
    delegate.wakeup();
  }

  @Override
  public boolean isCompatible(Class<? extends IoHandle> handleType) {
    return delegate.isCompatible(handleType);
  }
}
