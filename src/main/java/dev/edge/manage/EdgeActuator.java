package dev.edge.manage;

import dev.edge.EdgeServer;
import dev.edge.control.ControlOperations;
import dev.edge.runtime.ActiveConfig;
import dev.edge.runtime.ConfigReloader;
import dev.edge.runtime.ConfigStatus;
import dev.edge.runtime.ReloadAttempt;
import dev.edge.worker.RollingRestart;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code /actuator/edge}: the apps of the active config and their workers ({@code GET}), and the
 * edge's own operations ({@code POST}), each a call of the same {@link ControlOperations} the
 * control socket and {@code /control/*} serve (or, for every app at once, of what SIGUSR1 does):
 *
 * <ul>
 *   <li>{@code POST /actuator/edge/reload}: one reload attempt ({@link ConfigReloader#reload},
 *       SIGHUP's); {@code 200} when applied or unchanged, {@code 422} when rejected or rolled back,
 *       with the attempt as {@code /control/reload} shows it.
 *   <li>{@code POST /actuator/edge/restart}: a rolling restart of every app ({@link
 *       EdgeServer#restartApps}, SIGUSR1's); {@code 202 {"restarting": [apps]}}.
 *   <li>{@code POST /actuator/edge/restart/APP}: a rolling restart of one app, answered when it
 *       completed ({@code 200}) or aborted ({@code 422}, the old generation still serving), with
 *       the roll's outcome; {@code 404} for an app the active config does not have.
 * </ul>
 *
 * <p>Nothing here blocks the management loop: the worker tables are read on the apps' spawner
 * threads, reloads run on the reload thread, rolls on the spawner threads; answers are written from
 * {@code boundedElastic}.
 */
@Endpoint(id = "edge")
public class EdgeActuator {

  /** The trigger the edge's events name for operations from here. */
  static final String TRIGGER = "management";

  private final EdgeServer server;
  private final ControlOperations control;

  EdgeActuator(EdgeServer server, ControlOperations control) {
    this.server = server;
    this.control = control;
  }

  /** {@code info.edge}: the edge's version, the active config's version and when it became so. */
  static Map<String, Object> info(String version, ConfigReloader reloader) {
    ActiveConfig active = reloader.active();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("version", version);
    info.put(
        "config",
        Map.of("version", active.version(), "activatedAt", active.activatedAt().toString()));
    return info;
  }

  /** Every app with its state, pool counts and worker table: {@code GET /control/apps}'s answer. */
  @ReadOperation
  public Mono<Map<String, Object>> apps() {
    return Mono.fromFuture(control.apps()).publishOn(Schedulers.boundedElastic());
  }

  /** {@code reload} or {@code restart} (every app). */
  @WriteOperation
  public Mono<WebEndpointResponse<Map<String, Object>>> operate(@Selector String operation) {
    return switch (operation) {
      case "reload" ->
          Mono.fromFuture(control.reload(TRIGGER))
              .publishOn(Schedulers.boundedElastic())
              .map(
                  attempt ->
                      new WebEndpointResponse<>(
                          ConfigStatus.attempt(attempt), succeeded(attempt) ? 200 : 422));
      case "restart" -> {
        List<String> apps = control.appIds();
        server.restartApps(TRIGGER);
        yield Mono.just(new WebEndpointResponse<>(Map.of("restarting", apps), 202));
      }
      default -> Mono.just(notFound("no operation " + operation + " (reload, restart)"));
    };
  }

  /** {@code restart} of one app. */
  @WriteOperation
  public Mono<WebEndpointResponse<Map<String, Object>>> operateOn(
      @Selector String operation, @Selector String app) {
    if (!operation.equals("restart")) {
      return Mono.just(notFound("no operation " + operation + " on an app (restart)"));
    }
    if (!control.appIds().contains(app)) {
      return Mono.just(notFound("no app " + app + " in the active config"));
    }
    return Mono.fromFuture(control.restart(app, TRIGGER))
        .publishOn(Schedulers.boundedElastic())
        .map(
            outcome ->
                new WebEndpointResponse<>(roll(app, outcome), outcome.completed() ? 200 : 422));
  }

  private static Map<String, Object> roll(String app, RollingRestart.Outcome outcome) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("app", app);
    body.put("completed", outcome.completed());
    body.put("generation", outcome.generation());
    body.put("durationMs", outcome.durationMs());
    body.put("reason", outcome.reason());
    return body;
  }

  private static WebEndpointResponse<Map<String, Object>> notFound(String detail) {
    return new WebEndpointResponse<>(Map.of("error", "not_found", "detail", detail), 404);
  }

  private static boolean succeeded(ReloadAttempt attempt) {
    return attempt.result() == ReloadAttempt.Result.APPLIED
        || attempt.result() == ReloadAttempt.Result.UNCHANGED;
  }
}
