package dev.edge.manage;

import dev.edge.control.DiagnosticsDocument;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET /actuator/diagnostics}: the {@code /diagnostics} document, from the same {@link
 * DiagnosticsDocument} the main listener's {@code /diagnostics} answers with.
 */
@Endpoint(id = "diagnostics")
public class DiagnosticsActuator {

  private final DiagnosticsDocument document;

  DiagnosticsActuator(DiagnosticsDocument document) {
    this.document = document;
  }

  /** The document. */
  @ReadOperation
  public Mono<Map<String, Object>> diagnostics() {
    // completed on an app's spawner thread; written out from boundedElastic, as /diagnostics is
    return Mono.fromFuture(document::document).publishOn(Schedulers.boundedElastic());
  }
}
