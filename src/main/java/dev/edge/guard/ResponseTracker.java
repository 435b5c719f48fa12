package dev.edge.guard;

import dev.edge.EdgeException.Reason;
import dev.edge.ProblemResponse;
import dev.edge.observe.RequestIds;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The message-level half of the guard, placed right after Reactor Netty's HTTP codec: it counts
 * requests going up and final responses going out, so a rejection from the {@link GuardHandler} is
 * written in order after the responses to the requests before it (pipelining), then the connection
 * closes. On the way it removes {@code Server} from every response, applies the {@link HstsHook},
 * rewrites an absolute-form target that agrees with {@code Host} to origin form (the rest of the
 * edge routes and forwards by path), closes after a response that says {@code Connection: close} or
 * that left a {@code 100-continue} body unsent, and tells the scanner about {@code 100 Continue}
 * and {@code 101}. The response to the connection's last request (the scanner saw it say {@code
 * Connection: close}, or HTTP/1.0 without keep-alive) is made to say {@code Connection: close}
 * whatever the rest of the edge put on it; once a response that closes the connection is written,
 * nothing more is answered and the scanner passes nothing more on.
 *
 * <p>All state is confined to the channel's event loop.
 */
final class ResponseTracker extends ChannelDuplexHandler {

  /** How long a rejected connection keeps draining input after its response before closing. */
  static final Duration LINGER = Duration.ofSeconds(1);

  private static final Map<String, String> CLOSE =
      Map.of(HttpHeaderNames.CONNECTION.toString(), HttpHeaderValues.CLOSE.toString());

  private final GuardHandler guard;
  private final GuardEvents events;
  private final HstsHook hsts;
  private final boolean secure;
  private ChannelHandlerContext ctx;

  private long requestsUp;
  private long responsesDone;

  /** Final responses completed on this connection so far. */
  long responsesDone() {
    return responsesDone;
  }

  private boolean responseStarted;
  private boolean informational;
  private boolean closeAfterResponse;
  private boolean switched;
  private boolean answered;
  private boolean swallowing;
  private boolean refusing;

  private Rejection pending;
  private String pendingId;
  private boolean pendingHeadUp;
  private boolean pendingToHead;
  private long pendingAfter;

  ResponseTracker(GuardHandler guard, GuardEvents events, HstsHook hsts, boolean secure) {
    this.guard = guard;
    this.events = events;
    this.hsts = hsts;
    this.secure = secure;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refusing || answered) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (swallowing) {
      swallowing = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      if (closeAfterResponse) {
        // Decoded behind a response that closes the connection: not a request any more. (The
        // body of the request being answered still passes: it is not an HttpRequest.)
        swallowing = !(request instanceof LastHttpContent);
        ReferenceCountUtil.release(request);
        return;
      }
      String hostProblem =
          HostRules.problem(request.headers(), request.protocolVersion(), request.uri());
      if (hostProblem != null) {
        refuseDecoded(request, hostProblem);
        return;
      }
      requestsUp++;
      String uri = request.uri();
      if (!uri.isEmpty() && uri.charAt(0) != '/') {
        String origin =
            HostRules.originFormIfAgrees(uri, request.headers().get(HttpHeaderNames.HOST));
        if (origin != null) {
          request.setUri(origin);
        }
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (answered) {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(new ClosedChannelException());
      return;
    }
    if (msg instanceof HttpResponse response) {
      head(response);
    }
    if (!(msg instanceof LastHttpContent) || informational) {
      informational &= !(msg instanceof LastHttpContent);
      ctx.write(msg, promise);
      return;
    }
    responseStarted = false;
    responsesDone++;
    if (switched) {
      ctx.write(msg, promise);
      guard.switchedProtocols();
      if (pending != null) {
        ctx.flush();
        ctx.close();
      }
      return;
    }
    if (pending != null && responsesDone >= pendingAfter) {
      ctx.write(msg, promise);
      writeRejection();
      return;
    }
    if (closeAfterResponse) {
      ChannelPromise closing = promise.unvoid();
      ctx.write(msg, closing);
      closing.addListener(ChannelFutureListener.CLOSE);
      answered = true; // the last response: nothing after it is answered
      guard.stop(); // nor read as a request
      return;
    }
    ctx.write(msg, promise);
    if (responsesDone == requestsUp) {
      guard.responsesComplete();
    }
  }

  private void head(HttpResponse response) {
    int status = response.status().code();
    ResponseEdits.apply(response.headers(), hsts, secure);
    informational = status >= 100 && status < 200 && status != 101;
    if (informational) {
      if (status == 100) {
        guard.continueSent();
      }
      return;
    }
    responseStarted = true;
    switched = status == 101;
    if (!switched && (guard.lastRequest(responsesDone) || guard.awaitingContinue(responsesDone))) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    if (response
        .headers()
        .containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
      closeAfterResponse = true;
    }
  }

  /**
   * Refuses a request: {@code headUp} says whether its head already reached Reactor Netty (its body
   * was cut mid-stream), {@code toHead} whether it is (or, cut short, may be) a {@code HEAD}, whose
   * answer has no body. The problem response goes out once every earlier request is answered; if
   * the refused request's own response has started or finished, the connection just closes.
   */
  void reject(Rejection why, String requestId, boolean headUp, boolean toHead) {
    refusing = true;
    String id = events.rejected(why.reason(), why.detail(), requestId, ctx.channel());
    if (headUp && responsesDone >= requestsUp) {
      closeNow();
      return;
    }
    pending = why;
    pendingId = id;
    pendingHeadUp = headUp;
    pendingToHead = toHead;
    pendingAfter = headUp ? requestsUp - 1 : requestsUp;
    if (responsesDone >= pendingAfter) {
      if (responseStarted) {
        closeNow();
      } else {
        writeRejection();
      }
    }
  }

  /**
   * Refuses a request whose Host is bad before Reactor Netty sees it (it parses Host itself and
   * would answer a bare 400): the request and its body are dropped, nothing after it is read.
   */
  private void refuseDecoded(HttpRequest request, String problem) {
    String id = request.headers().get(RequestIds.HEADER);
    boolean toHead = HttpMethod.HEAD.equals(request.method());
    swallowing = !(request instanceof LastHttpContent);
    ReferenceCountUtil.release(request);
    guard.stop();
    reject(new Rejection(Reason.BAD_HOST, problem), id, false, toHead);
  }

  private void writeRejection() {
    answered = true;
    if (pendingHeadUp) {
      // The request path has this request and will see its client go away: the record says what
      // the client was actually answered.
      RequestGuard.answered(ctx.channel(), pending.reason());
    }
    ChannelFutureListener then = pendingHeadUp ? ChannelFutureListener.CLOSE : future -> linger();
    ProblemResponse problem =
        ProblemResponse.of(pending.reason(), pending.detail(), pendingId, CLOSE.entrySet());
    ctx.writeAndFlush(problem.message(pendingToHead)).addListener(then);
  }

  /** After the rejection went out: stop sending, drain what the client still sends, then close. */
  private void linger() {
    if (ctx.channel() instanceof DuplexChannel duplex && ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(true);
      duplex.shutdownOutput();
      ctx.executor().schedule(() -> ctx.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      ctx.close();
    }
  }

  private void closeNow() {
    answered = true;
    ctx.flush();
    ctx.close();
  }
}
