package dev.edge.proxy;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.buffer.BodyBuffer;
import dev.edge.edgefile.HeaderRules;
import dev.edge.edgefile.Timeouts;
import dev.edge.observe.Exchange;
import dev.edge.observe.RequestIds;
import dev.edge.pool.AppPool;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Sends one client request to one of an app's workers and streams the answer back: the entry points
 * of the general path ({@code HttpServerRequest}) and of the fast lane ({@link ClientRequest}),
 * which run the same tries.
 *
 * <p>Steps: take a lease from the app's pool (which may queue or shed), open or reuse a pooled
 * connection to the worker's socket, send the request with hop-by-hop headers stripped and {@code
 * X-Forwarded-*} and {@code X-Request-Id} set, wait at most the read timeout for the response
 * headers, then relay the body back. The request body comes from the client as it arrives, or from
 * the {@link BodyBuffer} request buffering filled ({@link RequestBuffers}); a large response body
 * is buffered ({@link ResponseBuffers}) unless the route or the response says to stream it. The
 * lease is held until the worker's response is complete, not until the client has it all ({@link
 * WorkerRequest}).
 *
 * <p>Failure rules ({@link AttemptLoop}): if the worker cannot be reached before anything was sent
 * (connection refused, socket gone), the worker leaves routing at once and the request goes to
 * another worker, up to {@link #MAX_ATTEMPTS} tries in all. If the connection fails after the
 * request was sent but before anything reached the client (response headers, or the whole of a
 * small response, which goes out in one write; the worker died mid-request), a bodyless GET, HEAD
 * or OPTIONS request is sent once more to another worker, as nginx's {@code proxy_next_upstream
 * error} does; once only, so a request that kills workers takes at most two with it. Any other such
 * failure is a {@code 502 worker_failed}. No response headers within the read timeout (or a worker
 * that takes none of the request body for that long) is a {@code 504 upstream_timeout}, never
 * resent. A failed try gives its worker's slot back before the next try looks for one.
 */
public final class WorkerForwarder {

  /** Workers tried for one request when they cannot be reached. */
  static final int MAX_ATTEMPTS = 3;

  private final ResponseBuffers responseBuffers;

  /**
   * A forwarder buffering large response bodies in {@code responseBuffers} (for routes that buffer
   * responses).
   */
  public WorkerForwarder(ResponseBuffers responseBuffers) {
    this.responseBuffers = responseBuffers;
  }

  /**
   * Forwards {@code req} to a worker of {@code pool} and relays the response into {@code res}.
   *
   * @param routeTimeouts the route's timeouts: its queue and read timeouts apply
   * @param exchange the request's record: its id, and where the lease, the worker's answer time and
   *     the relayed bytes are noted
   * @param headers the route's header edits, applied after the edge's own request headers and
   *     before the response headers go out
   * @param maxBodyBytes the route's own request body limit ({@code 413} past it), or -1
   * @param buffered the whole request body, read by request buffering, or null to stream it from
   *     the client (the caller closes it once the returned Mono ends)
   * @param bufferResponse whether a large response body is buffered (the route's choice)
   */
  public Mono<Void> forward(
      AppPool pool,
      Timeouts routeTimeouts,
      HttpServerRequest req,
      HttpServerResponse res,
      Exchange exchange,
      HeaderRules headers,
      long maxBodyBytes,
      BodyBuffer buffered,
      boolean bufferResponse) {
    ClientRequest client = ClientRequest.of(req);
    Flux<ByteBuf> body =
        buffered != null
            ? Flux.from(buffered)
            : ForwardedHeaders.hasBody(req)
                ? RequestBodies.limited(req.receive().retain(), maxBodyBytes)
                : null;
    return forward(
        pool,
        routeTimeouts,
        client,
        body,
        buffered != null ? buffered.size() : -1,
        exchange,
        headers,
        bufferResponse,
        response -> relay(response, client, res, exchange, headers));
  }

  /**
   * Forwards a bodyless request read by the edge's fast lane to a worker of {@code pool} and writes
   * the answer into {@code res}, as {@link #forward(AppPool, Timeouts, HttpServerRequest,
   * HttpServerResponse, Exchange, HeaderRules, long, BodyBuffer, boolean) forward} does for the
   * general path.
   */
  public Mono<Void> forward(
      AppPool pool,
      Timeouts routeTimeouts,
      ClientRequest client,
      ChannelResponse res,
      Exchange exchange,
      HeaderRules headers,
      boolean bufferResponse) {
    return forward(
        pool,
        routeTimeouts,
        client,
        null,
        -1,
        exchange,
        headers,
        bufferResponse,
        response -> ChannelRelay.relay(response, res, exchange, headers));
  }

  /**
   * A worker's answer to a request the edge made itself, read whole.
   *
   * @param status the response status
   * @param body the response body as UTF-8 text
   */
  public record Answer(int status, String body) {}

  /**
   * Sends a request the edge makes itself (a realtime event: {@code request} says what, {@code
   * body} is sent whole) to a worker of {@code pool}, through its queue like any request, and reads
   * the whole answer, at most {@code maxAnswerBytes} of body ({@code 502} past that).
   */
  public Mono<Answer> call(
      AppPool pool,
      Timeouts timeouts,
      ClientRequest request,
      byte[] body,
      Exchange exchange,
      int maxAnswerBytes) {
    java.util.concurrent.atomic.AtomicReference<Answer> answer =
        new java.util.concurrent.atomic.AtomicReference<>();
    Flux<ByteBuf> content =
        body.length == 0 ? null : Flux.just(io.netty.buffer.Unpooled.wrappedBuffer(body));
    return forward(
            pool,
            timeouts,
            request,
            content,
            body.length == 0 ? -1 : body.length,
            exchange,
            HeaderRules.NONE,
            false,
            response -> {
              int status = response.head().status().code();
              Flux<ByteBuf> chunks =
                  response.body() != null
                      ? Flux.just(response.body())
                      : Flux.from(response.stream());
              return chunks
                  .reduce(
                      new java.io.ByteArrayOutputStream(),
                      (text, chunk) -> {
                        try {
                          if (text.size() + chunk.readableBytes() > maxAnswerBytes) {
                            throw new EdgeException(
                                Reason.WORKER_FAILED,
                                "the app's answer is larger than " + maxAnswerBytes + " bytes");
                          }
                          chunk.readBytes(text, chunk.readableBytes());
                          return text;
                        } catch (java.io.IOException e) {
                          throw new java.io.UncheckedIOException(e);
                        } finally {
                          chunk.release();
                        }
                      })
                  .doOnNext(
                      text ->
                          answer.set(
                              new Answer(
                                  status, text.toString(java.nio.charset.StandardCharsets.UTF_8))))
                  .then();
            })
        .then(Mono.fromSupplier(answer::get));
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
      long bodyLength,
      Exchange exchange,
      HeaderRules headers,
      boolean bufferResponse,
      Function<WorkerResponse, Mono<Void>> relay) {
    WorkerRequest request =
        new WorkerRequest(
            pool,
            client,
            body,
            bodyLength,
            bufferResponse ? responseBuffers : null,
            exchange,
            routeTimeouts.queue(),
            routeTimeouts.read(),
            headers,
            relay);
    return new AttemptLoop<>(
            request, AttemptLoop.WORKERS, MAX_ATTEMPTS, client.method(), body != null)
        .start();
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
    return res.send(
            Flux.from(response.stream()).doOnNext(chunk -> exchange.sent(chunk.readableBytes())))
        .then();
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
      headers.remove(ResponseBuffers.X_ACCEL_BUFFERING); // the edge's switch, not the client's
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
}
