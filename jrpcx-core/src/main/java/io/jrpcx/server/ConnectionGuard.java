package io.jrpcx.server;

import io.jrpcx.internal.Network;
import io.jrpcx.internal.ReadGate;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of every server connection, whatever protocol it turns out to speak: stops
 * reading while the peer does not read what it is sent (outbound bytes above the high watermark)
 * and closes the connection when that lasts longer than the write stall timeout; closes it when
 * no byte arrived for the idle timeout.
 */
final class ConnectionGuard extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

  private final long stallNanos;
  private ScheduledFuture<?> stallTimer;

  ConnectionGuard(Duration writeStallTimeout) {
    this.stallNanos = writeStallTimeout.toNanos();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ReadGate gate = ReadGate.of(ctx.channel());
    if (ctx.channel().isWritable()) {
      gate.resume(ReadGate.WRITE);
      if (stallTimer != null) {
        stallTimer.cancel(false);
        stallTimer = null;
      }
    } else {
      // Reading more requests would only queue more answers the peer does not take.
      gate.pause(ReadGate.WRITE);
      if (stallNanos > 0 && stallTimer == null) {
        stallTimer =
            ctx.executor()
                .schedule(
                    () -> {
                      stallTimer = null;
                      if (!ctx.channel().isWritable()) {
                        log.info(
                            "closing connection {}: its peer has not read its answers for {} ms "
                                + "({} bytes to go below the low watermark)",
                            Network.peerAddress(ctx.channel()),
                            TimeUnit.NANOSECONDS.toMillis(stallNanos),
                            ctx.channel().bytesBeforeWritable());
                        ctx.close();
                      }
                    },
                    stallNanos,
                    TimeUnit.NANOSECONDS);
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent
        && ((IdleStateEvent) evt).state() == IdleState.READER_IDLE
        && !ReadGate.of(ctx.channel()).isPaused()) {
      // (Idle because this side stopped reading is not the peer's idleness.)
      log.debug(
          "closing connection {}: idle for longer than the idle timeout",
          Network.peerAddress(ctx.channel()));
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (stallTimer != null) {
      stallTimer.cancel(false);
      stallTimer = null;
    }
    super.channelInactive(ctx);
  }
}
