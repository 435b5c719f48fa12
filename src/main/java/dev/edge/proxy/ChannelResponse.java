package dev.edge.proxy;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import reactor.core.publisher.Mono;

/**
 * The response to one request of the edge's fast lane, written straight to the client's channel
 * below Reactor Netty. It remembers what the access log and the error handling need: whether the
 * head went out, its status and content type.
 *
 * <p>Confined to the channel's event loop.
 */
public final class ChannelResponse {

  private final ChannelHandlerContext ctx;
  private final HttpHeaders headers;
  private int status;
  private String contentType;
  private boolean started;

  /**
   * A response written through {@code ctx}, whose head will carry {@code headers} (already holding
   * what the edge adds before the worker answers, such as rate-limit headers).
   */
  public ChannelResponse(ChannelHandlerContext ctx, HttpHeaders headers) {
    this.ctx = ctx;
    this.headers = headers;
  }

  /** The headers of the response head, until it goes out. */
  public HttpHeaders headers() {
    return headers;
  }

  /** Whether the response head has been written. */
  public boolean started() {
    return started;
  }

  /** The status sent, or 0 before the head went out. */
  public int status() {
    return status;
  }

  /** The {@code Content-Type} sent, or null. */
  public String contentType() {
    return contentType;
  }

  /** Whether the client's connection is still open. */
  boolean clientOpen() {
    return ctx.channel().isActive();
  }

  /** Writes a whole response (head and body) and flushes; completes once it is written. */
  public Mono<Void> sendWhole(HttpResponse whole) {
    if (!(whole instanceof LastHttpContent)) {
      throw new IllegalArgumentException("a whole response carries its body");
    }
    return written(writeHead(whole, true));
  }

  /** Writes the head of a response whose body follows. */
  void sendHead(HttpResponse head) {
    writeHead(head, false);
  }

  /** Writes a part of the body (or its end), flushing it; the future tells when it was written. */
  ChannelFuture sendPart(HttpObject part) {
    return ctx.writeAndFlush(part);
  }

  /** Whether the connection takes more writes without queueing them. */
  boolean writable() {
    return ctx.channel().isWritable();
  }

  /** Cuts the connection: a response that broke off midway must not look complete. */
  void abort() {
    ctx.close();
  }

  private ChannelFuture writeHead(HttpResponse head, boolean flush) {
    started = true;
    status = head.status().code();
    contentType = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
    return flush ? ctx.writeAndFlush(head) : ctx.write(head);
  }

  /** A Mono that completes (or fails) when {@code future} does. */
  static Mono<Void> written(ChannelFuture future) {
    return Mono.create(
        sink ->
            future.addListener(
                done -> {
                  if (done.isSuccess()) {
                    sink.success();
                  } else {
                    sink.error(done.cause());
                  }
                }));
  }
}
