package dev.edge.control;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /diagnostics} on the main listener: the {@link DiagnosticsDocument} as JSON, the same
 * document the management listener's {@code /actuator/diagnostics} serves.
 */
public final class DiagnosticsEndpoint {

  private final DiagnosticsDocument document;
  private final JsonMapper json;

  public DiagnosticsEndpoint(DiagnosticsDocument document, JsonMapper json) {
    this.document = document;
    this.json = json;
  }

  /** Answers with the document. */
  public Mono<Void> send(HttpServerResponse res) {
    return Mono.fromFuture(document::document)
        .publishOn(Schedulers.boundedElastic())
        .map(json::writeValueAsString)
        // Written from the connection's own event loop, as every other response is: a response
        // completed from another thread raced the next request on a kept-alive connection.
        .publishOn(Schedulers.fromExecutor(((Connection) res).channel().eventLoop()))
        .flatMap(
            body ->
                res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                    .sendString(Mono.just(body))
                    .then());
  }
}
