package dev.edge.guard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The guard's two handlers around Netty's real HTTP codec in an {@link EmbeddedChannel}, with a
 * stand-in app behind them that answers each request (after its body) with {@code 200} and the
 * request's URI and body length, or holds its answers until {@link #answerHeld()}.
 */
final class GuardedChannel {

  final EmbeddedChannel channel;
  final RejectionCounter counter = new RejectionCounter();
  final List<String> seen = new ArrayList<>();
  final List<Long> bodies = new ArrayList<>();
  final List<String> raw = new ArrayList<>();
  final StringBuilder out = new StringBuilder();
  boolean hold;
  private final List<String> held = new ArrayList<>();
  private Consumer<FullHttpResponse> decorate = response -> {};

  GuardedChannel(GuardLimits limits) {
    this(limits, false);
  }

  GuardedChannel(GuardLimits limits, boolean secure) {
    GuardEvents events = new GuardEvents(counter);
    GuardHandler guard = new GuardHandler(limits, events);
    ResponseTracker tracker =
        new ResponseTracker(guard, events, new HstsHook(limits.hsts()), secure);
    guard.tracker(tracker);
    channel = new EmbeddedChannel(guard, new HttpServerCodec(), tracker, new App());
  }

  GuardedChannel decorate(Consumer<FullHttpResponse> decorate) {
    this.decorate = decorate;
    return this;
  }

  /** Writes {@code text} (ISO-8859-1) as one read. */
  GuardedChannel send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Writes {@code bytes} as one read. */
  GuardedChannel send(byte[] bytes) {
    if (channel.isOpen()) {
      channel.writeInbound(Unpooled.wrappedBuffer(bytes));
      channel.runPendingTasks();
    }
    output();
    return this;
  }

  /** Writes several buffers in one read burst (channelReadComplete only after the last). */
  GuardedChannel sendBurst(byte[]... parts) {
    for (byte[] part : parts) {
      channel.pipeline().fireChannelRead(Unpooled.wrappedBuffer(part));
    }
    channel.pipeline().fireChannelReadComplete();
    channel.runPendingTasks();
    output();
    return this;
  }

  /**
   * Everything written to the client so far, as ISO-8859-1 text. Every call that writes drains the
   * channel's outbound buffers into this text at once, so no test leaves one unreleased.
   */
  String output() {
    for (Object msg = channel.readOutbound(); msg != null; msg = channel.readOutbound()) {
      if (msg instanceof ByteBuf buf) { // anything else was written past a removed codec
        out.append(buf.toString(StandardCharsets.ISO_8859_1));
      }
      io.netty.util.ReferenceCountUtil.release(msg);
    }
    return out.toString();
  }

  /** The responses written so far. */
  List<Response> responses() {
    return Response.parseAll(output());
  }

  void answerHeld() {
    hold = false;
    List<String> now = new ArrayList<>(held);
    held.clear();
    now.forEach(this::answer);
    output();
  }

  private void answer(String text) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK,
            Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    decorate.accept(response);
    channel.writeAndFlush(response);
  }

  private final class App extends ChannelInboundHandlerAdapter {
    private long body;
    private String uri;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf bytes) {
        raw.add(io.netty.buffer.ByteBufUtil.hexDump(bytes));
      }
      if (msg instanceof HttpRequest request) {
        uri = request.uri();
        seen.add(request.method() + " " + uri);
        body = 0;
      }
      if (msg instanceof HttpContent content) {
        body += content.content().readableBytes();
      }
      if (msg instanceof LastHttpContent) {
        bodies.add(body);
        String text = uri + " " + body;
        if (hold) {
          held.add(text);
        } else {
          answer(text);
        }
      }
      io.netty.util.ReferenceCountUtil.release(msg);
    }
  }

  /** One parsed response. */
  record Response(int status, java.util.Map<String, String> headers, String body) {

    String reason() {
      int at = body.indexOf("\"reason\":\"");
      return at < 0 ? null : body.substring(at + 10, body.indexOf('"', at + 10));
    }

    static List<Response> parseAll(String text) {
      List<Response> all = new ArrayList<>();
      int at = 0;
      while (at < text.length()) {
        int headEnd = text.indexOf("\r\n\r\n", at);
        if (headEnd < 0) {
          break;
        }
        String[] lines = text.substring(at, headEnd).split("\r\n");
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
          int colon = lines[i].indexOf(':');
          headers.put(
              lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        int bodyStart = headEnd + 4;
        all.add(
            new Response(
                Integer.parseInt(lines[0].split(" ")[1]),
                headers,
                text.substring(bodyStart, Math.min(text.length(), bodyStart + length))));
        at = bodyStart + length;
      }
      return all;
    }
  }
}
