package dev.edge.guard;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP/2 connection that has had no stream open and no frame in either direction for the
 * keep-alive idle timeout ({@code --idle-timeout-ms}), as the guard's scanner does for HTTP/1.1.
 */
final class Http2IdleCloser extends IdleStateHandler {

  /** Name in the channel pipeline. */
  static final String NAME = "edge.guard.h2idle";

  Http2IdleCloser(Duration idle) {
    super(0, 0, idle.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
    Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
    if (codec == null || codec.connection().numActiveStreams() == 0) {
      ctx.close();
    }
  }
}
