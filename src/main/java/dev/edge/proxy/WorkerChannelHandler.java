package dev.edge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The whole pipeline of a pooled worker connection: reads what the worker sends with a {@link
 * WorkerResponseParser} and hands it to the {@link WorkerCall} the connection is serving, and keeps
 * its read timeout. Requests go out as bytes written by {@link RequestWriter}: no HTTP codec.
 *
 * <p>Read timeout, as nginx's {@code proxy_read_timeout}: while a call waits for the worker (after
 * the request was sent, and while the response body is being read with demand for it), no byte from
 * the worker for that long fails the call. One timer per connection, re-armed only when it fires
 * early, so a request costs no timer task of its own.
 *
 * <p>Informational responses ({@code 1xx}) are skipped by the parser: the edge answers {@code
 * Expect} itself.
 *
 * <p>Thread-safety: confined to the connection's event loop.
 */
final class WorkerChannelHandler extends ChannelInboundHandlerAdapter implements Runnable {

  /** Sets up a new worker connection. Stateless, so one instance serves every connection. */
  static final ChannelInitializer<Channel> INITIALIZER =
      new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel channel) {
          channel.pipeline().addLast(new WorkerChannelHandler());
        }

        @Override
        public boolean isSharable() {
          return true;
        }
      };

  private final WorkerResponseParser parser = new WorkerResponseParser();
  private ChannelHandlerContext ctx;
  private WorkerCall call;
  private boolean armed;
  private long timeoutNanos;
  private long lastRead;
  private long timerDue;
  private ScheduledFuture<?> timer;

  /** The handler of a connection made with {@link #INITIALIZER}. */
  static WorkerChannelHandler of(Channel channel) {
    return (WorkerChannelHandler) channel.pipeline().last();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Serves {@code next} from now on; the read timeout starts.
   *
   * @param headRequest whether the request is a {@code HEAD} (its response has no body)
   * @param now the time ({@link System#nanoTime()}), read by the caller just before
   */
  void attach(WorkerCall next, long readTimeoutNanos, boolean headRequest, long now) {
    this.call = next;
    this.timeoutNanos = readTimeoutNanos;
    parser.expect(headRequest);
    arm(now);
  }

  /** The call ended: the connection idles (or closes) without a read timeout. */
  void detach() {
    call = null;
    armed = false;
    parser.stop();
  }

  /** When the worker's bytes last arrived ({@link System#nanoTime()}). */
  long lastRead() {
    return lastRead;
  }

  /** Starts counting the read timeout from now (again). */
  void arm() {
    arm(System.nanoTime());
  }

  private void arm(long now) {
    armed = true;
    lastRead = now;
    long due = now + timeoutNanos;
    if (timer == null || timerDue - due > 0) {
      if (timer != null) {
        timer.cancel(false);
      }
      schedule(timeoutNanos, due);
    }
  }

  /** Stops counting: the edge is not reading (its client is slow), so the worker is not late. */
  void disarm() {
    armed = false;
  }

  @Override
  public void run() {
    timer = null;
    if (!armed || call == null) {
      return;
    }
    long now = System.nanoTime();
    long quiet = now - lastRead;
    if (quiet >= timeoutNanos) {
      call.fail(ReadTimeoutException.INSTANCE);
    } else {
      schedule(timeoutNanos - quiet, now + timeoutNanos - quiet);
    }
  }

  private void schedule(long delayNanos, long due) {
    timerDue = due;
    timer = ctx.executor().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    WorkerCall current = call;
    if (current == null || !(msg instanceof ByteBuf bytes)) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    lastRead = System.nanoTime();
    parser.read(bytes, current);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    WorkerCall current = call;
    if (current != null && ctx.channel().isWritable()) {
      current.writable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    WorkerCall current = call;
    if (current != null && !parser.closed(current)) {
      current.fail(new IOException("the worker closed the connection before the response ended"));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    WorkerCall current = call;
    if (current != null) {
      current.fail(cause);
    } else {
      ctx.close();
    }
  }
}
