package dev.edge.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code config} section of {@code /status}: what is active and how the last reload went. */
public final class ConfigStatus {

  private ConfigStatus() {}

  /**
   * {@code {version, source, activatedAt, apps, sites, routes, lastAttempt}}; {@code lastAttempt}
   * is null before the first reload.
   */
  public static Map<String, Object> describe(ConfigReloader reloader) {
    ActiveConfig active = reloader.active();
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("version", active.version());
    section.put("source", active.source() == null ? "command line" : active.source().toString());
    section.put("activatedAt", active.activatedAt().toString());
    section.put("apps", active.config().apps().size());
    section.put("sites", active.config().sites().size());
    section.put("routes", active.routes().routeCount());
    ReloadAttempt last = reloader.lastAttempt();
    section.put("lastAttempt", last == null ? null : attempt(last));
    return section;
  }

  /** One attempt as JSON fields. */
  public static Map<String, Object> attempt(ReloadAttempt attempt) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", attempt.id());
    fields.put("trigger", attempt.trigger());
    fields.put("result", attempt.result().id());
    fields.put("oldVersion", attempt.oldVersion());
    fields.put("newVersion", attempt.newVersion());
    fields.put("reason", attempt.reason());
    fields.put("detail", attempt.detail());
    fields.put("problems", attempt.problems());
    fields.put("started", attempt.started());
    fields.put("retired", attempt.retired());
    fields.put("at", attempt.at().toString());
    fields.put("durationMs", attempt.durationMs());
    return fields;
  }
}
