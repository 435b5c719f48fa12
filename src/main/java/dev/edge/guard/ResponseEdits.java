package dev.edge.guard;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/**
 * What the edge changes in every response head it sends, whichever protocol carries it: {@code
 * Server} removed (the worker's or upstream's name is nobody's business), then the {@link
 * HstsHook}. HTTP/1.1 responses get it from the {@link ResponseTracker}; each HTTP/2 stream gets
 * one of these handlers, placed where Reactor Netty's responses are still HTTP/1.1 objects.
 */
final class ResponseEdits extends ChannelOutboundHandlerAdapter {

  /** Name in an HTTP/2 stream's pipeline. */
  static final String NAME = "edge.guard.h2edits";

  private final HstsHook hsts;

  /** The handler for HTTP/2 streams, which are always over TLS. */
  ResponseEdits(HstsHook hsts) {
    this.hsts = hsts;
  }

  /** Applies the edits to a response head going out on a connection ({@code secure}: TLS). */
  static void apply(HttpHeaders headers, HstsHook hsts, boolean secure) {
    headers.remove(HttpHeaderNames.SERVER);
    hsts.apply(headers, secure);
  }

  @Override
  public boolean isSharable() {
    return true;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response) {
      apply(response.headers(), hsts, true);
    }
    ctx.write(msg, promise);
  }
}
