package dev.edge;

import dev.edge.EdgeException.Reason;
import dev.edge.edgefile.EdgeConfig.Route;
import dev.edge.observe.Exchange;
import dev.edge.observe.RequestIds;
import dev.edge.proxy.ChannelResponse;
import dev.edge.proxy.ClientRequest;
import dev.edge.proxy.WorkerForwarder;
import dev.edge.ratelimit.ClientAddresses;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The HTTP/1.1 lane of the listener: every request the codec reads passes here first and is decided
 * once ({@link RequestPlanner}). The requests that are most of an app's traffic, bodyless {@code
 * GET} and {@code HEAD} to an app, it carries itself straight on the client's Netty channel
 * (Reactor Netty's per-request server machinery costs about as much CPU as the rest of the hop):
 * the app's pool through the same {@link WorkerForwarder} (lease, queue or shed, reroute, resend,
 * timeouts, response buffering), the answer written to the channel, errors as the same problem
 * responses ({@link ErrorResponder#problem}), the same record ({@link ExchangeRecorder}). Every
 * other request goes on to Reactor Netty with its decision attached ({@link Decision}), where
 * {@link EdgePipeline} carries it out. This class decides nothing itself: it only knows which plans
 * it can carry.
 *
 * <p>It carries a request when: it is HTTP/1.1 {@code GET} or {@code HEAD} without a body, {@code
 * Expect} or {@code Upgrade}, in origin form; its plan is {@link Plan.ToApp}; and no earlier
 * request on the connection is still with Reactor Netty.
 *
 * <p>Pipelining: one request at a time, on either lane, answered in order. What arrives after the
 * request being answered is held (at most {@link #MAX_HELD} messages, then reading pauses) and
 * replayed once its response is complete. So Reactor Netty never sees a pipelined request, and its
 * habit of closing the connection after the response in progress when a later pipelined request
 * says {@code Connection: close} (losing the requests in between) cannot strike. After a {@code
 * 101} or an upgrade request the connection is not HTTP/1 any more for this handler: it steps
 * aside.
 *
 * <p>Confined to the channel's event loop. One class past the usual size on purpose: its state (the
 * request being answered, the held messages, Reactor Netty's pending responses) is one connection's
 * state machine, and it reads best in one place.
 */
final class FastLane extends ChannelDuplexHandler {

  /** Name of this handler in the channel pipeline. */
  static final String NAME = "edge.fastlane";

  /** Inbound messages held behind a request this lane answers before reading pauses. */
  static final int MAX_HELD = 64;

  private static final Logger LOG = LoggerFactory.getLogger("edge.errors");

  private final RequestPlanner planner;
  private final ExchangeRecorder recorder;
  private final WorkerForwarder workers;
  private final ErrorResponder errors;
  private final ClientAddresses clients;
  private final boolean carrying;
  private ChannelHandlerContext ctx;
  private String scheme;

  private boolean off;
  private int generalPending;
  private boolean informational;
  private boolean swallowing;
  private boolean closing;
  private Answer current;
  private final ArrayDeque<Object> held = new ArrayDeque<>(4);
  private boolean readsPaused;

  /**
   * The lane of one connection.
   *
   * @param clients how to find the client behind trusted proxies, or null when none are trusted
   * @param carrying whether it carries the requests it can itself ({@code --no-fast-lane}: no, it
   *     hands every decision to {@link EdgePipeline})
   */
  FastLane(
      RequestPlanner planner,
      ExchangeRecorder recorder,
      WorkerForwarder workers,
      ErrorResponder errors,
      ClientAddresses clients,
      boolean carrying) {
    this.planner = planner;
    this.recorder = recorder;
    this.workers = workers;
    this.errors = errors;
    this.clients = clients;
    this.carrying = carrying;
  }

  /** The request this lane is answering on this connection. */
  private static final class Answer {
    final Exchange exchange;
    final HttpRequest request;
    final SocketAddress client;
    final ChannelResponse response;
    Disposable subscription;
    boolean finished;

    Answer(Exchange exchange, HttpRequest request, SocketAddress client, ChannelResponse response) {
      this.exchange = exchange;
      this.request = request;
      this.client = client;
      this.response = response;
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.scheme = ctx.pipeline().get(SslHandler.class) != null ? "https" : "http";
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (held.isEmpty()) {
      take(msg);
    } else {
      hold(msg); // behind what is already held, in order
    }
  }

  /** One inbound message, in order: this lane's, held, or Reactor Netty's. */
  private void take(Object msg) {
    if (swallowing) {
      swallowing = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg); // the empty end of a bodyless request being answered
      return;
    }
    if (mustWait(msg)) {
      hold(msg); // one request at a time, on either path
      return;
    }
    if (!off && msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
      decide(request);
      return;
    }
    passOn(msg);
  }

  /** Outbound: counts the general path's final responses, and notices a protocol switch. */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response) {
      int status = response.status().code();
      informational = status >= 100 && status < 200 && status != 101;
      off |= status == 101;
      closing |=
          !informational
              && response
                  .headers()
                  .containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
    }
    if (msg instanceof LastHttpContent) {
      if (informational) {
        informational = false;
      } else if (generalPending > 0 && --generalPending == 0 && !held.isEmpty()) {
        ctx.executor().execute(this::resume);
      }
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseHeld();
    Answer answer = current;
    if (answer != null) {
      if (answer.subscription != null) {
        answer.subscription.dispose(); // gives the lease back, closes the worker connection
      }
      done(answer, statusOf(answer.response), answer.response.headers());
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeld();
  }

  /** Decides {@code request}, then carries it out here or hands it on with its decision. */
  private void decide(HttpRequest request) {
    Exchange exchange = new Exchange(RequestIds.resolve(request.headers().get(RequestIds.HEADER)));
    HttpHeaders responseHeaders = new DefaultHttpHeaders();
    ClientRequest client =
        new ClientRequest(
            request.method(),
            request.uri(),
            request.headers(),
            clientOf(request),
            scheme,
            ctx.channel());
    Plan plan = null;
    RuntimeException refusal = null;
    try {
      plan = planner.decide(client, request.protocolVersion(), responseHeaders, exchange);
    } catch (RuntimeException e) {
      refusal = e;
    }
    if (carrying && plan instanceof Plan.ToApp app && carries(request)) {
      start(request, client, exchange, responseHeaders, app);
      return;
    }
    new Decision(request.headers(), exchange, responseHeaders, plan, refusal).handTo(ctx.channel());
    passOn(request);
  }

  /** Whether this lane can carry {@code request} itself (given a plan to an app). */
  private static boolean carries(HttpRequest request) {
    if (request.protocolVersion() != HttpVersion.HTTP_1_1
        || !(HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method()))) {
      return false;
    }
    HttpHeaders headers = request.headers();
    String uri = request.uri();
    return !WorkerForwarder.announcesBody(headers)
        && !headers.contains(HttpHeaderNames.EXPECT)
        && !headers.contains(HttpHeaderNames.UPGRADE)
        && !uri.isEmpty()
        && uri.charAt(0) == '/';
  }

  private void start(
      HttpRequest request,
      ClientRequest client,
      Exchange exchange,
      HttpHeaders headers,
      Plan.ToApp plan) {
    swallowing = !(request instanceof LastHttpContent);
    ReferenceCountUtil.release(request); // a bodyless request holds no buffer worth keeping
    recorder.enter();
    if (!HttpUtil.isKeepAlive(request) || recorder.closing()) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ChannelResponse res = new ChannelResponse(ctx, headers);
    Answer answer = new Answer(exchange, request, client.client(), res);
    current = answer;
    try {
      Route route = plan.route();
      Disposable subscription =
          workers
              .forward(
                  plan.runtime().pool(),
                  route.timeouts(),
                  client,
                  res,
                  exchange,
                  route.headers(),
                  route.buffering().response())
              .subscribe(
                  null,
                  error -> failed(answer, error),
                  () -> done(answer, statusOf(res), res.headers()));
      answer.subscription = subscription;
    } catch (RuntimeException e) {
      failed(answer, e);
    }
  }

  /** The request failed before or while its answer went out. */
  private void failed(Answer answer, Throwable error) {
    if (answer.finished) {
      return;
    }
    ChannelResponse res = answer.response;
    HttpRequest request = answer.request;
    String requestId = answer.exchange.requestId();
    if (!ctx.channel().isActive() || ErrorResponder.clientGone(error, ctx.channel().isActive())) {
      done(answer, statusOf(res), res.headers());
      return;
    }
    if (res.started()) {
      LOG.warn(
          "request {} {} {} failed after the response started: {}",
          requestId,
          request.method(),
          request.uri(),
          error.toString());
      ctx.close();
      done(answer, res.status(), res.headers());
      return;
    }
    HttpHeaders extra = new DefaultHttpHeaders();
    if (res.headers().contains(HttpHeaderNames.CONNECTION)) {
      extra.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    FullHttpResponse problem =
        errors.problem(error, request.method(), request.uri(), requestId, extra);
    Reason reason = error instanceof EdgeException edge ? edge.reason() : Reason.INTERNAL;
    recorder.countRejection(answer.exchange, reason);
    HttpHeaders sent = problem.headers();
    int status = problem.status().code();
    ctx.writeAndFlush(problem, ctx.voidPromise());
    done(answer, status, sent);
  }

  /** The answer is complete (or given up): record it, then go on with what waited behind it. */
  private void done(Answer answer, int status, HttpHeaders sent) {
    if (answer.finished) {
      return;
    }
    answer.finished = true;
    if (current == answer) {
      current = null;
    }
    HttpRequest request = answer.request;
    recorder.leave(
        answer.exchange, request.method().name(), request.uri(), status, sent, answer.client);
    if (!ctx.channel().isActive()) {
      releaseHeld();
      return;
    }
    if (!held.isEmpty() || !ctx.channel().config().isAutoRead()) {
      // After the forwarder has let go of the worker's slot, so the next request may take it.
      ctx.executor().execute(this::resume);
    }
  }

  /** The status recorded for a response: what was sent, or 499 when the client left first. */
  private static int statusOf(ChannelResponse res) {
    return res.started() ? res.status() : ExchangeRecorder.CLIENT_CLOSED;
  }

  /** Replays what was held behind the finished request, then reads on. */
  private void resume() {
    if (closing) {
      releaseHeld(); // a response closed the connection: nothing after it is read as a request
      return;
    }
    boolean passed = false;
    while (!held.isEmpty() && !mustWait(held.peek()) && ctx.channel().isActive()) {
      take(held.poll());
      passed |= current == null;
    }
    if (passed) {
      ctx.fireChannelReadComplete();
    }
    if (!ctx.channel().isActive()) {
      return;
    }
    if (readsPaused && held.size() < MAX_HELD) {
      readsPaused = false;
      ctx.channel().config().setAutoRead(true);
    } else if (current == null && generalPending == 0 && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true); // a new connection starts with reads off
    }
  }

  /** Whether {@code msg} must wait: a request is being answered, and it is the next one. */
  private boolean mustWait(Object msg) {
    return current != null || (generalPending > 0 && !off && msg instanceof HttpRequest);
  }

  private void hold(Object msg) {
    held.add(msg);
    if (held.size() >= MAX_HELD && !readsPaused) {
      readsPaused = true;
      ctx.channel().config().setAutoRead(false);
    }
  }

  private void passOn(Object msg) {
    if (msg instanceof HttpRequest request) {
      generalPending++;
      off |= request.headers().contains(HttpHeaderNames.UPGRADE);
    }
    ctx.fireChannelRead(msg);
  }

  /** The client's address: the peer, or the client behind it when the peer is a trusted proxy. */
  private SocketAddress clientOf(HttpRequest request) {
    SocketAddress peer = ctx.channel().remoteAddress();
    if (clients == null || !(peer instanceof InetSocketAddress inet)) {
      return peer;
    }
    var client = clients.clientOf(inet, request.headers().getAll("X-Forwarded-For"));
    return client.equals(inet.getAddress()) ? peer : new InetSocketAddress(client, inet.getPort());
  }

  private void releaseHeld() {
    for (Object msg = held.poll(); msg != null; msg = held.poll()) {
      ReferenceCountUtil.release(msg);
    }
  }
}
