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
    boolean hasBody = ForwardedHeaders.hasBody(req);
    Forwarding forwarding =
        new Forwarding(
            pool,
            req,
            res,
            hasBody,
            exchange,
            new AtomicBoolean(!hasBody && SAFE_METHODS.contains(req.method())),
            routeTimeouts.queue(),
            routeTimeouts.read(),
            headers,
            maxBodyBytes);
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
    HttpServerRequest req = forwarding.req();
    WorkerSlot worker = lease.worker();
    Exchange record = forwarding.exchange();
    long leasedAt = System.nanoTime();
    WorkerCall call;
    try {
      record.leased(worker.id(), leasedAt - record.startNanos(), lease.waited());
      call =
          new WorkerCall(
              worker.connections(),
              ((Connection) req).channel().eventLoop(),
              requestFor(forwarding),
              forwarding.hasBody()
                  ? RequestBodies.limited(req.receive().retain(), forwarding.maxBodyBytes())
                  : null,
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
              return relay(response, forwarding);
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
    HttpServerRequest req = forwarding.req();
    HttpHeaders outbound = HEADERS.newHeaders();
    ForwardedHeaders.requestHeaders(req, forwarding.exchange().requestId(), outbound);
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
    String target = ForwardedHeaders.originForm(req.uri());
    return forwarding.hasBody()
        ? new DefaultHttpRequest(HttpVersion.HTTP_1_1, req.method(), target, outbound)
        : new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            req.method(),
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

  private static Mono<Void> relay(WorkerResponse response, Forwarding forwarding) {
    ByteBuf body = response.body();
    if (body != null && !((Connection) forwarding.req()).channel().isActive()) {
      body.release(); // the client left: nobody would send (or release) it
      return Mono.empty();
    }
    HttpServerResponse res = forwarding.res();
    try {
      res.status(response.head().status());
      HttpHeaders headers = res.responseHeaders();
      HopByHopHeaders.copyEndToEnd(response.head().headers(), headers);
      headers.set(RequestIds.HEADER, forwarding.exchange().requestId());
      if (!forwarding.headers().response().isEmpty()) {
        forwarding.headers().response().applyTo(headers);
      }
    } catch (RuntimeException e) {
      if (body != null) {
        body.release();
      }
      throw new EdgeException(
          Reason.WORKER_FAILED,
          "the worker sent a response the edge cannot relay: " + e.getMessage());
    }
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
   * One client request on its way to a worker, across reroutes.
   *
   * @param mayResend whether one resend after a mid-request worker failure is still allowed
   * @param queueTimeout how long the request may wait in the app's queue
   * @param readTimeout the route's read timeout
   * @param headers the route's header edits
   * @param maxBodyBytes the route's request body limit, or -1
   */
  private record Forwarding(
      AppPool pool,
      HttpServerRequest req,
      HttpServerResponse res,
      boolean hasBody,
      Exchange exchange,
      AtomicBoolean mayResend,
      Duration queueTimeout,
      Duration readTimeout,
      HeaderRules headers,
      long maxBodyBytes) {}

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
