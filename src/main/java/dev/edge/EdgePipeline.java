package dev.edge;

import dev.edge.buffer.BodyBuffer;
import dev.edge.control.ControlEndpoint;
import dev.edge.control.DiagnosticsEndpoint;
import dev.edge.control.MetricsEndpoint;
import dev.edge.edgefile.BodyBuffering;
import dev.edge.edgefile.EdgeConfig.Route;
import dev.edge.guard.RequestGuard;
import dev.edge.hub.PublishEndpoint;
import dev.edge.hub.RealtimeHub;
import dev.edge.observe.DashboardEndpoint;
import dev.edge.observe.Exchange;
import dev.edge.observe.RequestIds;
import dev.edge.observe.StatusEndpoint;
import dev.edge.proxy.ClientRequest;
import dev.edge.proxy.RequestBuffers;
import dev.edge.proxy.UpstreamProxy;
import dev.edge.proxy.WorkerForwarder;
import dev.edge.route.Redirects;
import dev.edge.statics.StaticFiles;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The request path, top to bottom, for every request Reactor Netty's server hands over (the fast
 * lane, {@link FastLane}, carries bodyless GET and HEAD requests to apps itself, through the same
 * decision and the same forwarder):
 *
 * <ol>
 *   <li>request id: keep the client's sane {@code X-Request-Id} or make one; it goes on every
 *       response;
 *   <li>decide, once ({@link RequestPlanner}): the guard's per-request rules ({@link
 *       RequestGuard}), a built-in endpoint (with its access rule), the rate limit, the route of
 *       the active config snapshot, the route's own limits → a {@link Plan} or a refusal. A request
 *       the fast lane read arrives decided ({@link Decision});
 *   <li>action: {@code app} → a worker of the app's pool ({@link WorkerForwarder}: lease, queue or
 *       shed, send, relay back); {@code proxy} → an external upstream ({@link UpstreamProxy});
 *       {@code static} → a file ({@link StaticFiles}); {@code redirect} → {@link Redirects};
 *       built-ins → their endpoints; the route's header edits go with each;
 *   <li>errors: anything that failed becomes a problem response in one place ({@link
 *       ErrorResponder});
 *   <li>record: metrics and the access log, once the response is done ({@link ExchangeRecorder}).
 * </ol>
 */
public final class EdgePipeline {

  private final RequestPlanner planner;
  private final WorkerForwarder workers;
  private final UpstreamProxy upstreams;
  private final StaticFiles files;
  private final BuiltIns builtIns;
  private final ErrorResponder errors;
  private final ExchangeRecorder recorder;
  private final RequestBuffers requestBuffers;

  /** Wires the request path. */
  public EdgePipeline(
      RequestPlanner planner,
      WorkerForwarder workers,
      UpstreamProxy upstreams,
      StaticFiles files,
      BuiltIns builtIns,
      ErrorResponder errors,
      ExchangeRecorder recorder,
      RequestBuffers requestBuffers) {
    this.planner = planner;
    this.workers = workers;
    this.upstreams = upstreams;
    this.files = files;
    this.builtIns = builtIns;
    this.errors = errors;
    this.recorder = recorder;
    this.requestBuffers = requestBuffers;
  }

  /**
   * The endpoints the edge answers itself; who may use them is the planner's rule.
   *
   * @param status {@code /server} and {@code /status}
   * @param diagnostics {@code /diagnostics}
   * @param metrics {@code /metrics}, or null when metrics are off
   * @param control {@code /control/*}
   * @param dashboard the live page under {@code /_edge/}
   */
  public record BuiltIns(
      StatusEndpoint status,
      DiagnosticsEndpoint diagnostics,
      MetricsEndpoint metrics,
      ControlEndpoint control,
      DashboardEndpoint dashboard,
      RealtimeHub realtime) {}

  /** Handles one request; the Reactor Netty server calls this on an event-loop thread. */
  public Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
    recorder.enter();
    Channel channel = ((Connection) req).channel();
    Decision decided = Decision.takeFrom(channel, req.requestHeaders());
    Exchange exchange =
        decided != null
            ? decided.exchange()
            : new Exchange(RequestIds.resolve(req.requestHeaders().get(RequestIds.HEADER)));
    if (decided != null) {
      res.responseHeaders().add(decided.responseHeaders());
    }
    res.header(RequestIds.HEADER, exchange.requestId());
    if (recorder.closing()) {
      res.keepAlive(false);
    }
    Mono<Void> answer;
    try {
      Plan plan =
          decided != null
              ? decided.planOrThrow()
              : planner.decide(
                  ClientRequest.of(req), req.version(), res.responseHeaders(), exchange);
      answer = execute(plan, req, res, exchange);
    } catch (RuntimeException e) {
      answer = Mono.error(e);
    }
    return answer
        .onErrorResume(error -> respondToError(error, req, res, channel, exchange))
        .doFinally(signal -> finish(req, res, channel, exchange, signal));
  }

  /** Requests being handled right now (waiting, in flight or streaming), on either lane. */
  public int activeRequests() {
    return recorder.activeRequests();
  }

  /** Closes the connection pools to external upstreams (edge shutdown, after the last request). */
  public void close() {
    upstreams.disposeLater().subscribe();
  }

  /** From now on, responses close their connection instead of keeping it alive. */
  public void closeConnectionsAfterResponse() {
    recorder.closeConnectionsAfterResponse();
  }

  /** Carries out {@code plan}. */
  private Mono<Void> execute(
      Plan plan, HttpServerRequest req, HttpServerResponse res, Exchange exchange) {
    if (plan instanceof Plan.BuiltIn builtIn) {
      return builtIn(builtIn.rawPath(), req, res);
    }
    if (plan instanceof Plan.ToChallenge challenge) {
      byte[] body = challenge.keyAuthorization().getBytes(StandardCharsets.US_ASCII);
      res.status(HttpResponseStatus.OK)
          .header(HttpHeaderNames.CONTENT_TYPE, "text/plain")
          .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
          .header(HttpHeaderNames.CACHE_CONTROL, "no-store");
      return res.sendByteArray(Mono.just(body)).then();
    }
    if (plan instanceof Plan.ToHttps https) {
      res.status(HttpResponseStatus.PERMANENT_REDIRECT)
          .header(HttpHeaderNames.LOCATION, https.location())
          .header(HttpHeaderNames.CONTENT_LENGTH, "0");
      return res.send().then();
    }
    Route route = plan.route();
    if (plan instanceof Plan.ToHub hub) {
      return builtIns.realtime().endpoint().accept(req, res, hub.app(), route.timeouts());
    }
    BodyBuffering buffering = route.buffering();
    boolean buffersBody =
        buffering.request() && WorkerForwarder.announcesBody(req.requestHeaders());
    if (plan instanceof Plan.ToApp app) {
      Function<BodyBuffer, Mono<Void>> send =
          body ->
              workers.forward(
                  app.runtime().pool(),
                  route.timeouts(),
                  req,
                  res,
                  exchange,
                  route.headers(),
                  app.maxBodyBytes(),
                  body,
                  buffering.response());
      return buffersBody
          ? requestBuffers.readThen(req, app.maxBodyBytes(), send)
          : send.apply(null);
    }
    if (plan instanceof Plan.ToProxy proxy) {
      Function<BodyBuffer, Mono<Void>> send =
          body ->
              upstreams.forward(
                  proxy.action(),
                  route.timeouts(),
                  req,
                  res,
                  exchange.requestId(),
                  route.headers().request(),
                  route.headers().response(),
                  proxy.maxBodyBytes(),
                  body);
      return buffersBody
          ? requestBuffers.readThen(req, proxy.maxBodyBytes(), send)
          : send.apply(null);
    }
    if (plan instanceof Plan.ToStatic target) {
      return files.serve(
          target.action(), target.rawRemainder(), req, res, route.headers().response());
    }
    return Redirects.send(((Plan.ToRedirect) plan).action(), req, res, route.headers().response());
  }

  /** The answer of the built-in endpoint at {@code rawPath} (the planner checked access). */
  private Mono<Void> builtIn(String rawPath, HttpServerRequest req, HttpServerResponse res) {
    if (rawPath.equals(builtIns.realtime().presencePath())) {
      return builtIns.realtime().presence(req, res);
    }
    switch (rawPath) {
      case "/server":
        return builtIns.status().server(res);
      case "/status":
        return builtIns.status().status(res);
      case "/diagnostics":
        return builtIns.diagnostics().send(res);
      case "/metrics":
        return builtIns.metrics().send(res);
      case PublishEndpoint.PATH:
        return builtIns.realtime().publish().publish(req, res);
      default:
        return ControlEndpoint.owns(rawPath)
            ? builtIns.control().handle(rawPath, req, res)
            : builtIns.dashboard().serve(rawPath, req, res);
    }
  }

  private Mono<Void> respondToError(
      Throwable error,
      HttpServerRequest req,
      HttpServerResponse res,
      Channel channel,
      Exchange exchange) {
    if (RequestGuard.answeredBy(channel) != null) {
      return Mono.empty(); // the guard answered (and counted) it: a 413 or 408 mid-body
    }
    EdgeException.Reason reason = ErrorResponder.reasonOf(error, res);
    if (reason != null && !res.hasSentHeaders()) {
      recorder.countRejection(exchange, reason);
    }
    return errors.respond(error, req, res, exchange.requestId());
  }

  private void finish(
      HttpServerRequest req,
      HttpServerResponse res,
      Channel channel,
      Exchange exchange,
      SignalType signal) {
    int status = res.status().code();
    if (!res.hasSentHeaders()) {
      EdgeException.Reason guard = RequestGuard.answeredBy(channel);
      if (guard != null) {
        status = guard.status();
      } else if (signal == SignalType.CANCEL || !channel.isActive()) {
        status = ExchangeRecorder.CLIENT_CLOSED;
      }
    }
    recorder.leave(
        exchange,
        req.method().name(),
        req.uri(),
        status,
        res.responseHeaders(),
        req.remoteAddress());
  }
}
