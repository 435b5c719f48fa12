package dev.edge.hub;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.ExchangeRecorder;
import dev.edge.edgefile.Timeouts;
import dev.edge.hub.HubClient.Event;
import dev.edge.observe.EdgeEvents;
import dev.edge.observe.Exchange;
import dev.edge.observe.RequestIds;
import dev.edge.proxy.ClientRequest;
import dev.edge.proxy.WorkerForwarder;
import dev.edge.runtime.ActiveConfig;
import dev.edge.runtime.AppRuntime;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Sends each client's events to its app as {@code POST /v1/realtime[?<the upgrade's query>]}
 * through the app's pool and queue, like any request (counted, queued, the queue and read timeouts
 * of the route the upgrade matched), one at a time per client and in order, and applies the app's
 * answer. The request carries the upgrade request's headers, {@code Sec-WebSocket-Frame} and {@code
 * X-Edge-Client-Id}. The app is looked up in the config active when the event is sent, so events
 * survive reloads and restarts; with no READY worker they wait in the queue. At most half of what
 * an app holds is taken by events at once ({@link EventGate}); the rest wait at the edge, so a mass
 * disconnect never overflows the app's queue.
 */
public final class HubEvents {

  /** The path events are sent to. */
  static final String PATH = "/v1/realtime";

  /** The event's frame type, sent to the app. */
  public static final String FRAME_HEADER = "Sec-WebSocket-Frame";

  /** The client's id, sent to the app. */
  public static final String CLIENT_HEADER = "X-Edge-Client-Id";

  /** The largest answer an app may give to one event. */
  static final int MAX_ANSWER_BYTES = 1024 * 1024;

  private final Hub hub;
  private final Supplier<ActiveConfig> config;
  private final WorkerForwarder forwarder;
  private final ExchangeRecorder recorder;
  private final EdgeEvents events;
  private final java.util.Map<String, EventGate> gates =
      new java.util.concurrent.ConcurrentHashMap<>();

  HubEvents(
      Hub hub,
      Supplier<ActiveConfig> config,
      WorkerForwarder forwarder,
      ExchangeRecorder recorder,
      EdgeEvents events) {
    this.hub = hub;
    this.events = events;
    this.config = config;
    this.forwarder = forwarder;
    this.recorder = recorder;
  }

  /** Sends {@code event} now, or after the client's earlier events. */
  void send(HubClient client, Timeouts timeouts, Event event) {
    Event now;
    try {
      now = client.enqueue(event);
    } catch (IllegalStateException full) {
      hub.eventFailed();
      client.close(Hub.TRY_AGAIN_LATER, full.getMessage());
      return;
    }
    if (now != null) {
      call(client, timeouts, now);
    }
  }

  private void call(HubClient client, Timeouts timeouts, Event event) {
    AppRuntime runtime = config.get().apps().get(client.app);
    EventGate gate = gate(client.app, runtime);
    gate.submit(() -> forward(client, timeouts, event, runtime, gate));
  }

  /**
   * The gate of {@code app}, made for its size when first used; a reload that resizes the app keeps
   * the gate (its limit is a share of the queue, not a promise).
   */
  private EventGate gate(String app, AppRuntime runtime) {
    return gates.computeIfAbsent(
        app,
        a ->
            new EventGate(
                runtime == null
                    ? 1
                    : EventGate.limitFor(
                        runtime.app().workers(),
                        runtime.app().maxInflight(),
                        runtime.app().maxQueue())));
  }

  private void forward(
      HubClient client, Timeouts timeouts, Event event, AppRuntime runtime, EventGate gate) {
    String uri = client.query == null ? PATH : PATH + "?" + client.query;
    Exchange exchange = new Exchange(RequestIds.resolve(null));
    exchange.routed("realtime", client.app);
    recorder.enter();
    Mono<WorkerForwarder.Answer> answer =
        runtime == null
            ? Mono.error(
                new EdgeException(
                    Reason.WORKER_UNAVAILABLE, "app " + client.app + " is not running"))
            : forwarder.call(
                runtime.pool(),
                timeouts,
                new ClientRequest(
                    HttpMethod.POST,
                    uri,
                    headers(client, event, exchange),
                    client.address,
                    "http",
                    client.channel),
                event.body(),
                exchange,
                MAX_ANSWER_BYTES);
    answer
        .doFinally(signal -> gate.done())
        .subscribe(
            done -> {
              finished(client, event, exchange, uri, done.status());
              if (done.status() / 100 == 2) {
                apply(client, event, done.body());
              } else {
                failed(client, event, "the app answered " + done.status());
              }
              next(client, timeouts);
            },
            error -> {
              int status = error instanceof EdgeException edge ? edge.reason().status() : 502;
              finished(client, event, exchange, uri, status);
              failed(client, event, error.getMessage());
              next(client, timeouts);
            });
  }

  private void apply(HubClient client, Event event, String body) {
    try {
      hub.apply(client.id, Instructions.parse(body));
    } catch (Instructions.Invalid e) {
      failed(client, event, "its answer is not instructions: " + e.getMessage());
    }
  }

  private void next(HubClient client, Timeouts timeouts) {
    Event next = client.next();
    if (next != null) {
      call(client, timeouts, next);
    }
  }

  private void finished(HubClient client, Event event, Exchange exchange, String uri, int status) {
    recorder.leave(exchange, "POST", uri, status, EmptyHttpHeaders.INSTANCE, client.address);
  }

  private void failed(HubClient client, Event event, String why) {
    hub.eventFailed();
    events.emit(
        EdgeEvents.Event.REALTIME_EVENT_FAILED,
        "app",
        client.app,
        "client",
        client.id,
        "frame",
        event.frame(),
        "reason",
        why);
  }

  private static HttpHeaders headers(HubClient client, Event event, Exchange exchange) {
    HttpHeaders headers = new DefaultHttpHeaders().add(client.headers);
    headers.set(FRAME_HEADER, event.frame());
    headers.set(CLIENT_HEADER, client.id);
    headers.set(RequestIds.HEADER, exchange.requestId());
    headers.set(
        HttpHeaderNames.CONTENT_TYPE,
        event.frame().equals("binary") ? "application/octet-stream" : "text/plain; charset=utf-8");
    headers.set(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(event.body().length));
    return headers;
  }
}
