package dev.edge.control;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code GET /metrics}: every meter in the Prometheus text format (version 0.0.4), latency as
 * histograms so percentiles aggregate across edges. The scrape is formatted off the event loop.
 */
public final class MetricsEndpoint {

  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final Consumer<PrometheusMeterRegistry> beforeScrape;

  /**
   * @param registry the registry to scrape
   * @param beforeScrape refreshes what is only read at scrape time (per-worker gauges)
   */
  public MetricsEndpoint(
      PrometheusMeterRegistry registry, Consumer<PrometheusMeterRegistry> beforeScrape) {
    this.registry = registry;
    this.beforeScrape = beforeScrape;
  }

  /** Answers with the scrape. */
  public Mono<Void> send(HttpServerResponse res) {
    return Mono.fromCallable(
            () -> {
              beforeScrape.accept(registry);
              return registry.scrape();
            })
        .subscribeOn(Schedulers.boundedElastic())
        // Written from the connection's own event loop, as every other response is: a response
        // completed from another thread raced the next request on a kept-alive connection.
        .publishOn(Schedulers.fromExecutor(((Connection) res).channel().eventLoop()))
        .flatMap(
            text ->
                res.header(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                    .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                    .sendString(Mono.just(text))
                    .then());
  }
}
