package dev.edge.proxy;

import dev.edge.edgefile.HeaderRules;
import dev.edge.observe.Exchange;
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
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One client request on its way to a worker of an app, across its tries ({@link AttemptLoop}): the
 * {@link ForwardingStrategy} of {@link WorkerForwarder}.
 *
 * <p>A target is a {@link Lease} from the app's {@link AppPool}: taken at once when a worker has
 * room, else waited for in the app's queue (which may shed the request or time it out); a try after
 * a failed one prefers another worker. One exchange is a {@link WorkerCall} on a pooled connection
 * to the worker's socket; its response goes to the client through {@code relay}. The lease is held
 * until the worker's response is complete (with response buffering, the client may still be reading
 * it) or the exchange ends; a worker whose socket refuses the connection or is gone leaves routing
 * at once.
 */
final class WorkerRequest implements ForwardingStrategy<Lease> {

  /** Headers of requests to workers: the edge validated the client's already. */
  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private final AppPool pool;
  private final ClientRequest client;
  private final Flux<ByteBuf> body;
  private final long bodyLength;
  private final ResponseBuffers responseBuffers;
  private final Exchange record;
  private final Duration queueTimeout;
  private final Duration readTimeout;
  private final HeaderRules headers;
  private final Function<WorkerResponse, Mono<Void>> relay;

  /**
   * @param body the request body (already limited to the route's size), or null when it has none
   * @param bodyLength the body's length when it was buffered (it goes with {@code Content-Length}),
   *     or -1
   * @param responseBuffers where a large response body is buffered, or null to stream it
   * @param record the request's record: its id, and where the lease, the worker's answer time and
   *     the relayed bytes are noted
   * @param queueTimeout how long the request may wait in the app's queue
   * @param readTimeout the route's read timeout
   * @param headers the route's header edits
   * @param relay sends the worker's response on to the client
   */
  WorkerRequest(
      AppPool pool,
      ClientRequest client,
      Flux<ByteBuf> body,
      long bodyLength,
      ResponseBuffers responseBuffers,
      Exchange record,
      Duration queueTimeout,
      Duration readTimeout,
      HeaderRules headers,
      Function<WorkerResponse, Mono<Void>> relay) {
    this.pool = pool;
    this.client = client;
    this.body = body;
    this.bodyLength = bodyLength;
    this.responseBuffers = responseBuffers;
    this.record = record;
    this.queueTimeout = queueTimeout;
    this.readTimeout = readTimeout;
    this.headers = headers;
    this.relay = relay;
  }

  @Override
  public Lease take(Lease failed) {
    return pool.tryAcquire(failed == null ? null : failed.worker());
  }

  @Override
  public Mono<Lease> await(Lease failed) {
    return pool.acquire(failed == null ? null : failed.worker(), queueTimeout);
  }

  /**
   * Sends the request on {@code lease}'s worker, unless the lease went to a waiter that gave up
   * (then nothing happens). The lease is released when the exchange ends, and before a reroute: the
   * next try must not find this worker's slot still taken.
   */
  @Override
  public Mono<Void> exchange(Lease lease, AttemptLoop<Lease> loop) {
    if (!lease.claim()) {
      return Mono.empty();
    }
    WorkerSlot worker = lease.worker();
    WorkerCall call;
    try {
      call =
          new WorkerCall(
              worker.connections(),
              client.channel().eventLoop(),
              request(),
              body,
              readTimeout.toNanos(),
              responseBuffers,
              lease::release);
      record.leased(worker.id(), call.createdNanos() - record.startNanos(), lease.waited());
    } catch (RuntimeException e) {
      lease.release();
      return Mono.error(e);
    }
    return call.onErrorMap(e -> loop.classify(e, lease, call.sent(), call.answered()))
        .flatMap(
            response -> {
              record.answered(response.headNanos() - call.createdNanos());
              return relay.apply(response);
            })
        .doFinally(
            signal -> {
              call.cancel();
              lease.release();
            });
  }

  @Override
  public String failed(
      Lease lease, AttemptLoop.Failure failure, Throwable error, boolean answered) {
    String worker = "worker w" + lease.worker().id();
    return switch (failure) {
      case UNREACHABLE -> {
        if (ForwardedHeaders.causedBy(error, ConnectException.class)
            || ForwardedHeaders.causedBy(error, FileNotFoundException.class)) {
          lease.releaseUnreachable();
        } else {
          lease.release(); // before the next try looks for a slot
        }
        yield worker + " could not be reached: " + error.getMessage();
      }
      case TIMED_OUT ->
          worker
              + (answered ? " went silent mid-response for " : " sent no response headers within ")
              + readTimeout.toMillis()
              + " ms";
      case RESENT -> {
        lease.release();
        yield worker + " failed before answering: " + error.getMessage();
      }
      case FAILED -> worker + " failed before answering: " + error.getMessage();
    };
  }

  @Override
  public String noneReached() {
    return "no worker of app " + pool.appId() + " could be reached";
  }

  /**
   * The request as the worker gets it: HTTP/1.1 in origin form, the client's end-to-end headers,
   * the edge's forwarding headers, the route's header edits. {@code Expect} stays behind (the edge
   * has answered it), and a request without {@code Host} gets one, as HTTP/1.1 requires.
   */
  private HttpRequest request() {
    HttpHeaders outbound = HEADERS.newHeaders();
    ForwardedHeaders.requestHeaders(
        client.headers(), client.client(), client.scheme(), record.requestId(), outbound);
    outbound.remove(HttpHeaderNames.EXPECT);
    if (!outbound.contains(HttpHeaderNames.HOST)) {
      outbound.set(HttpHeaderNames.HOST, "localhost");
    }
    if (bodyLength >= 0) {
      outbound.set(HttpHeaderNames.CONTENT_LENGTH, bodyLength);
    } else if (body != null && !outbound.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      outbound.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (!headers.request().isEmpty()) {
      headers.request().applyTo(outbound);
    }
    String target = ForwardedHeaders.originForm(client.uri());
    return body != null
        ? new DefaultHttpRequest(HttpVersion.HTTP_1_1, client.method(), target, outbound)
        : new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            client.method(),
            target,
            Unpooled.EMPTY_BUFFER,
            outbound,
            EmptyHttpHeaders.INSTANCE);
  }
}
