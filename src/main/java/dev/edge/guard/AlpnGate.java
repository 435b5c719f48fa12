package dev.edge.guard;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * Holds a TLS connection's decrypted bytes until ALPN has chosen its protocol and the guard has put
 * that protocol's checks in place, so not one byte reaches an HTTP codec unguarded. It sits just
 * after the TLS handler: on the handshake's completion it lets Reactor Netty's negotiation handler
 * build the HTTP/1.1 or HTTP/2 pipeline, calls back with the chosen protocol, then removes itself
 * and passes on what it held, in order.
 */
final class AlpnGate extends ChannelInboundHandlerAdapter {

  /** The ALPN protocol of ACME's TLS-ALPN-01 validation (RFC 8737). */
  private static final String ACME_TLS_1 = "acme-tls/1";

  /** Name in the channel pipeline. */
  static final String NAME = "edge.guard.alpn";

  private final Consumer<String> negotiated;
  private final Queue<Object> held = new ArrayDeque<>();

  /** A gate calling {@code negotiated} with {@code h2} or {@code http/1.1}. */
  AlpnGate(Consumer<String> negotiated) {
    this.negotiated = negotiated;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    held.add(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Held: nothing downstream has seen a read yet.
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof SslHandshakeCompletionEvent handshake)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    String protocol = tls == null || !handshake.isSuccess() ? null : tls.applicationProtocol();
    if (ACME_TLS_1.equals(protocol)) {
      // An ACME CA validating TLS-ALPN-01: it has seen the challenge certificate; no HTTP follows.
      held.forEach(ReferenceCountUtil::release);
      held.clear();
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt); // the negotiation handler builds the protocol's pipeline now
    if (!handshake.isSuccess() || !ctx.channel().isActive()) {
      return;
    }
    negotiated.accept(
        ApplicationProtocolNames.HTTP_2.equals(protocol)
            ? ApplicationProtocolNames.HTTP_2
            : ApplicationProtocolNames.HTTP_1_1);
    ctx.pipeline().remove(this);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (held.isEmpty()) {
      return;
    }
    if (!ctx.channel().isActive()) {
      held.forEach(ReferenceCountUtil::release);
      held.clear();
      return;
    }
    while (!held.isEmpty()) {
      ctx.fireChannelRead(held.poll());
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    held.forEach(ReferenceCountUtil::release);
    held.clear();
    ctx.fireChannelInactive();
  }
}
