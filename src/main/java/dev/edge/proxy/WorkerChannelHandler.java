package dev.edge.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The end of a pooled worker connection's pipeline ({@link HttpClientCodec} before it): hands what
 * the worker sends to the {@link WorkerCall} the connection is serving, and keeps its read timeout.
 *
 * <p>Read timeout, as nginx's {@code proxy_read_timeout}: while a call waits for the worker (after
 * the request was sent, and while the response body is being read with demand for it), no byte from
 * the worker for that long fails the call. One timer per connection, re-armed only when it fires
 * early, so a request costs no timer task of its own.
 *
 * <p>Informational responses ({@code 1xx}) are skipped: the edge answers {@code Expect} itself.
 *
 * <p>Thread-safety: confined to the connection's event loop.
 */
final class WorkerChannelHandler extends ChannelInboundHandlerAdapter implements Runnable {

  /** Largest response head from a worker: a status line and headers. */
  static final int MAX_HEADER_BYTES = 32 * 1024;

  /**
   * Response headers as decoded, not validated here: they are validated once, when copied into the
   * client's response.
   */
  private static final HttpHeadersFactory RESPONSE_HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  /** Sets up a new worker connection. Stateless, so one instance serves every connection. */
  static final ChannelInitializer<Channel> INITIALIZER =
      new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel channel) {
          HttpDecoderConfig decoder =
              new HttpDecoderConfig()
                  .setMaxInitialLineLength(8192)
                  .setMaxHeaderSize(MAX_HEADER_BYTES)
                  .setMaxChunkSize(64 * 1024)
                  .setHeadersFactory(RESPONSE_HEADERS);
          channel
              .pipeline()
              .addLast(new HttpClientCodec(decoder, false, false), new WorkerChannelHandler());
        }

        @Override
        public boolean isSharable() {
          return true;
        }
      };

  private ChannelHandlerContext ctx;
  private WorkerCall call;
  private boolean informational;
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

  /** Serves {@code next} from now on; the read timeout starts. */
  void attach(WorkerCall next, long readTimeoutNanos) {
    this.call = next;
    this.informational = false;
    this.timeoutNanos = readTimeoutNanos;
    arm();
  }

  /** The call ended: the connection idles (or closes) without a read timeout. */
  void detach() {
    call = null;
    armed = false;
  }

  /** Starts counting the read timeout from now (again). */
  void arm() {
    armed = true;
    long now = System.nanoTime();
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
    if (current == null) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    lastRead = System.nanoTime();
    if (msg instanceof HttpResponse response) {
      if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL
          && response.status().code() != 101
          && response.decoderResult().isSuccess()) {
        informational = true;
      } else {
        current.head(response);
      }
    }
    if (msg instanceof HttpContent content) {
      if (informational) {
        content.release();
        informational = !(content instanceof LastHttpContent);
      } else {
        current.content(content);
      }
    }
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
    if (current != null) {
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
