package dev.edge;

import dev.edge.observe.RequestIds;
import dev.edge.observe.StatusEndpoint;
import dev.edge.pool.AppPool;
import dev.edge.proxy.WorkerForwarder;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The request path, top to bottom, for every request the listener accepts:
 *
 * <ol>
 *   <li>request id: keep the client's sane {@code X-Request-Id} or make one; it goes on every
 *       response;
 *   <li>route: the built-in endpoints {@code /server} and {@code /status}, otherwise the app;
 *   <li>action: forward to a worker of the app's pool ({@link WorkerForwarder}: lease, queue or
 *       shed, send, stream back);
 *   <li>errors: anything that failed becomes a problem response in one place ({@link
 *       ErrorResponder}).
 * </ol>
 *
 * <p>Later stages (host routing, guards, proxy and static actions) slot in as steps 2 and 3.
 */
public final class EdgePipeline {

  private final AppPool app;
  private final WorkerForwarder forwarder;
  private final StatusEndpoint status;
  private final ErrorResponder errors;
  private final AtomicInteger active = new AtomicInteger();
  private volatile boolean closing;

  /** Wires the request path. */
  public EdgePipeline(
      AppPool app, WorkerForwarder forwarder, StatusEndpoint status, ErrorResponder errors) {
    this.app = app;
    this.forwarder = forwarder;
    this.status = status;
    this.errors = errors;
  }

  /** Handles one request; the Reactor Netty server calls this on an event-loop thread. */
  public Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
    active.incrementAndGet();
    String requestId = RequestIds.resolve(req.requestHeaders().get(RequestIds.HEADER));
    res.header(RequestIds.HEADER, requestId);
    if (closing) {
      res.keepAlive(false);
    }
    Mono<Void> answer;
    try {
      answer = route(req, res, requestId);
    } catch (RuntimeException e) {
      answer = Mono.error(e);
    }
    return answer
        .onErrorResume(error -> errors.respond(error, req, res, requestId))
        .doFinally(signal -> active.decrementAndGet());
  }

  /** Requests being handled right now (waiting, in flight or streaming). */
  public int activeRequests() {
    return active.get();
  }

  /** From now on, responses close their connection instead of keeping it alive. */
  public void closeConnectionsAfterResponse() {
    closing = true;
  }

  private Mono<Void> route(HttpServerRequest req, HttpServerResponse res, String requestId) {
    switch (pathOf(req.uri())) {
      case "/server":
        return status.server(res);
      case "/status":
        return status.status(res);
      default:
        return forwarder.forward(app, req, res, requestId);
    }
  }

  private static String pathOf(String uri) {
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }
}
