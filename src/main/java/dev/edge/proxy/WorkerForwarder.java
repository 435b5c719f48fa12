package dev.edge.proxy;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.edgefile.HeaderRules;
import dev.edge.edgefile.Timeouts;
import dev.edge.observe.Exchange;
import dev.edge.observe.RequestIds;
import dev.edge.pool.AppPool;
import dev.edge.pool.Lease;
import dev.edge.pool.WorkerSlot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Sends one client request to one of an app's workers and streams the answer back.
 *
 * <p>Steps: take a lease from the app's pool (which may queue or shed), open or reuse a pooled
 * connection to the worker's socket, send the request with hop-by-hop headers stripped and {@code
 * X-Forwarded-*} and {@code X-Request-Id} set, wait at most the read timeout for the response
 * headers, then stream the body back with backpressure both ways. The lease is held until the
 * response body has been relayed.
 *
 * <p>Failure rules: if the worker cannot be reached before anything was sent (connection refused,
 * socket gone), the worker leaves routing at once and the request goes to another worker, up to
 * {@link #MAX_ATTEMPTS} tries in all. If the connection fails after the request was sent but before
 * anything reached the client (response headers, or the whole of a small response, which goes out
 * in one write; the worker died mid-request), a bodyless GET, HEAD or OPTIONS request is sent once
 * more to another worker, as nginx's {@code proxy_next_upstream error} does; once only, so a
 * request that kills workers takes at most two with it. Any other such failure is a {@code 502
 * worker_failed}. No response headers within the read timeout (or a worker that takes none of the
 * request body for that long) is a {@code 504 upstream_timeout}, never resent. A failed try gives
 * its worker's slot back before the next try looks for one.
 */
public final class WorkerForwarder {

  /** Headers of requests to workers: the edge validated the client's already. */
  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  /** Workers tried for one request when they cannot be reached. */
  static final int MAX_ATTEMPTS = 3;

  /** Methods that are safe to send again when a worker died before answering. */
  static final Set<HttpMethod> SAFE_METHODS =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  /**
   * Forwards {@code req} to a worker of {@code pool} and relays the response into {@code res}.
   *
   * @param routeTimeouts the route's timeouts: its queue and read timeouts apply
   * @param exchange the request's record: its id, and where the lease, the worker's answer time and
   *     the relayed bytes are noted
   * @param headers the route's header edits, applied after the edge's own request headers and
   *     before the response headers go out
   * @param maxBodyBytes the route's own request body limit ({@code 413} past it), or -1
   */
  public Mono<Void> forward(
      AppPool pool,
      Timeouts routeTimeouts,
      HttpServerRequest req,
      HttpServerResponse res,
      Exchange exchange,
      HeaderRules headers,
      long maxBodyBytes) {
    ClientRequest client =
        new ClientRequest(
            req.method(),
            req.uri(),
            req.requestHeaders(),
            req.remoteAddress(),
            req.scheme(),
            ((Connection) req).channel());
    Flux<ByteBuf> body =
        ForwardedHeaders.hasBody(req)
            ? RequestBodies.limited(req.receive().retain(), maxBodyBytes)
            : null;
    return forward(
        pool,
        routeTimeouts,
        client,
        body,
        exchange,
        headers,
        response -> relay(response, client, res, exchange, headers));
  }

  /**
   * Forwards a bodyless request read by the edge's fast path to a worker of {@code pool} and writes
   * the answer into {@code res}, as {@link #forward(AppPool, Timeouts, HttpServerRequest,
   * HttpServerResponse, Exchange, HeaderRules, long) forward} does for the general path.
   */
  public Mono<Void> forward(
      AppPool pool,
      Timeouts routeTimeouts,
      ClientRequest client,
      ChannelResponse res,
      Exchange exchange,
      HeaderRules headers) {
    return forward(
        pool,
        routeTimeouts,
        client,
        null,
        exchange,
        headers,
        response -> ChannelRelay.relay(response, res, exchange, headers));
  }

  /** Whether request {@code headers} announce a body (a non-zero length or a transfer coding). */
  public static boolean announcesBody(HttpHeaders headers) {
    return ForwardedHeaders.hasBody(headers);
  }

  private Mono<Void> forward(
      AppPool pool,
      Timeouts routeTimeouts,
      ClientRequest client,
      Flux<ByteBuf> body,
      Exchange exchange,
      HeaderRules headers,
      Function<WorkerResponse, Mono<Void>> relay) {
    Forwarding forwarding =
        new Forwarding(
            pool,
            client,
            body,
            exchange,
            new AtomicBoolean(body == null && SAFE_METHODS.contains(client.method())),
            routeTimeouts.queue(),
            routeTimeouts.read(),
            headers,
            relay);
    return attempt(1, forwarding, null);
  }

  /** One try; a reroute tries again, preferring another worker than the one that failed. */
  private Mono<Void> attempt(int attempt, Forwarding forwarding, WorkerSlot avoid) {
    AppPool pool = forwarding.pool();
    Lease now = pool.tryAcquire(avoid);
    Mono<Void> sent =
        now != null && now.claim()
            ? exchange(now, forwarding)
            : pool.acquire(avoid, forwarding.queueTimeout())
                .flatMap(lease -> lease.claim() ? exchange(lease, forwarding) : Mono.empty());
    return sent.onErrorResume(
        Reroute.class,
        reroute ->
            attempt < MAX_ATTEMPTS
                ? attempt(attempt + 1, forwarding, reroute.worker)
                : Mono.error(giveUp(pool, reroute)));
  }

  private static EdgeException giveUp(AppPool pool, Reroute last) {
    return last.sent
        ? new EdgeException(Reason.WORKER_FAILED, last.getMessage())
        : new EdgeException(
            Reason.WORKER_UNAVAILABLE, "no worker of app " + pool.appId() + " could be reached");
  }

  /**
   * Sends the request on {@code lease}'s worker. The lease is released when the exchange ends, and
   * before a reroute: the next try must not find this worker's slot still taken.
   */
  private Mono<Void> exchange(Lease lease, Forwarding forwarding) {
    WorkerSlot worker = lease.worker();
    Exchange record = forwarding.exchange();
    long leasedAt = System.nanoTime();
    WorkerCall call;
    try {
      record.leased(worker.id(), leasedAt - record.startNanos(), lease.waited());
      call =
          new WorkerCall(
              worker.connections(),
              forwarding.client().channel().eventLoop(),
              requestFor(forwarding),
              forwarding.body(),
              forwarding.readTimeout().toNanos(),
              record);
    } catch (RuntimeException e) {
      lease.release();
      return Mono.error(e);
    }
    return call.onErrorMap(e -> classify(e, call, lease, forwarding))
        .flatMap(
            response -> {
              record.answered(response.headNanos() - leasedAt);
              return forwarding.relay().apply(response);
            })
        .doFinally(
            signal -> {
              call.cancel();
              lease.release();
            });
  }

  /**
   * The request as the worker gets it: HTTP/1.1 in origin form, the client's end-to-end headers,
   * the edge's forwarding headers, the route's header edits. {@code Expect} stays behind (the edge
   * has answered it), and a request without {@code Host} gets one, as HTTP/1.1 requires.
   */
  private static HttpRequest requestFor(Forwarding forwarding) {
    ClientRequest client = forwarding.client();
    HttpHeaders outbound = HEADERS.newHeaders();
    ForwardedHeaders.requestHeaders(
        client.headers(),
        client.client(),
        client.scheme(),
        forwarding.exchange().requestId(),
        outbound);
    outbound.remove(HttpHeaderNames.EXPECT);
    if (!outbound.contains(HttpHeaderNames.HOST)) {
      outbound.set(HttpHeaderNames.HOST, "localhost");
    }
    if (forwarding.hasBody() && !outbound.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      outbound.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (!forwarding.headers().request().isEmpty()) {
      forwarding.headers().request().applyTo(outbound);
    }
    String target = ForwardedHeaders.originForm(client.uri());
    return forwarding.hasBody()
        ? new DefaultHttpRequest(HttpVersion.HTTP_1_1, client.method(), target, outbound)
        : new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            client.method(),
            target,
            Unpooled.EMPTY_BUFFER,
            outbound,
            EmptyHttpHeaders.INSTANCE);
  }

  private Throwable classify(Throwable error, WorkerCall call, Lease lease, Forwarding forwarding) {
    if (error instanceof EdgeException) {
      return error;
    }
    WorkerSlot worker = lease.worker();
    if (ForwardedHeaders.causedBy(error, ReadTimeoutException.class)) {
      return new EdgeException(
          Reason.UPSTREAM_TIMEOUT,
          "worker w"
              + worker.id()
              + (call.answered()
                  ? " went silent mid-response for "
                  : " sent no response headers within ")
              + forwarding.readTimeout().toMillis()
              + " ms");
    }
    if (!call.sent()) {
      if (ForwardedHeaders.causedBy(error, ConnectException.class)
          || ForwardedHeaders.causedBy(error, FileNotFoundException.class)) {
        lease.releaseUnreachable();
      } else {
        lease.release(); // before the next try looks for a slot
      }
      return new Reroute(worker, error, false);
    }
    if (forwarding.mayResend().compareAndSet(true, false)) {
      lease.release();
      return new Reroute(worker, error, true);
    }
    return new EdgeException(
        Reason.WORKER_FAILED,
        "worker w" + worker.id() + " failed before answering: " + error.getMessage());
  }

  private static Mono<Void> relay(
      WorkerResponse response,
      ClientRequest client,
      HttpServerResponse res,
      Exchange exchange,
      HeaderRules rules) {
    ByteBuf body = response.body();
    if (body != null && !client.channel().isActive()) {
      body.release(); // the client left: nobody would send (or release) it
      return Mono.empty();
    }
    res.status(response.head().status());
    responseHeaders(response, res.responseHeaders(), exchange, rules);
    if (body != null && !body.isReadable()) {
      body.release();
      return res.send().then(); // keeps the worker's Content-Length, as for HEAD
    }
    if (body != null) {
      return res.send(Mono.just(body)).then();
    }
    return res.send(response.stream()).then();
  }

  /**
   * Adds the worker's end-to-end response headers, the request id and the route's response edits to
   * {@code headers}; a header the edge cannot relay is a {@code 502} (the body, if whole, is
   * released).
   */
  static void responseHeaders(
      WorkerResponse response, HttpHeaders headers, Exchange exchange, HeaderRules rules) {
    try {
      HopByHopHeaders.copyEndToEnd(response.head().headers(), headers);
      headers.set(RequestIds.HEADER, exchange.requestId());
      if (!rules.response().isEmpty()) {
        rules.response().applyTo(headers);
      }
    } catch (RuntimeException e) {
      if (response.body() != null) {
        response.body().release();
      }
      throw new EdgeException(
          Reason.WORKER_FAILED,
          "the worker sent a response the edge cannot relay: " + e.getMessage());
    }
  }

  /**
   * One client request on its way to a worker, across reroutes.
   *
   * @param body the request body (already limited to the route's size), or null when it has none
   * @param mayResend whether one resend after a mid-request worker failure is still allowed
   * @param queueTimeout how long the request may wait in the app's queue
   * @param readTimeout the route's read timeout
   * @param headers the route's header edits
   * @param relay sends the worker's response on to the client
   */
  private record Forwarding(
      AppPool pool,
      ClientRequest client,
      Flux<ByteBuf> body,
      Exchange exchange,
      AtomicBoolean mayResend,
      Duration queueTimeout,
      Duration readTimeout,
      HeaderRules headers,
      Function<WorkerResponse, Mono<Void>> relay) {

    boolean hasBody() {
      return body != null;
    }
  }

  /** The request may go to another worker: nothing was sent, or it is safe to send again. */
  private static final class Reroute extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final boolean sent;
    final WorkerSlot worker;

    Reroute(WorkerSlot worker, Throwable cause, boolean sent) {
      super(
          "worker w"
              + worker.id()
              + (sent ? " failed before answering: " : " could not be reached: ")
              + cause.getMessage(),
          cause,
          false,
          false);
      this.sent = sent;
      this.worker = worker;
    }
  }
}
