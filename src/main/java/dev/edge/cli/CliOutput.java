package dev.edge.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The command-line client's human output: the control API's JSON documents as aligned tables and
 * lines. {@code --json} bypasses all of it and prints the documents as they came.
 */
final class CliOutput {

  private CliOutput() {}

  /** {@code edge status}. */
  static String status(JsonNode doc) {
    StringBuilder out = new StringBuilder();
    out.append("edge pid ")
        .append(doc.path("pid").asLong())
        .append(", ")
        .append(doc.path("status").asString())
        .append(", up ")
        .append(duration(doc.path("uptime").asLong()))
        .append(", version ")
        .append(doc.path("version").asString())
        .append('\n');
    List<String> ports = new ArrayList<>();
    doc.path("ports").properties().forEach(p -> ports.add(p.getKey() + " " + p.getValue()));
    out.append("ports: ").append(String.join(", ", ports)).append('\n');
    JsonNode config = doc.path("config");
    out.append("config: ")
        .append(config.path("version").asString())
        .append(" from ")
        .append(config.path("source").asString())
        .append(", activated ")
        .append(config.path("activatedAt").asString())
        .append('\n');
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("APP", "WORKERS", "READY", "INFLIGHT", "QUEUE", "HEALTH"));
    for (JsonNode app : doc.path("apps")) {
      rows.add(
          List.of(
              app.path("id").asString(),
              app.path("workers").asString(),
              app.path("ready").asString(),
              app.path("inflight").asString(),
              app.path("queueDepth").asString(),
              app.path("degraded").asBoolean() ? "degraded" : "ok"));
    }
    return out.append(table(rows)).toString();
  }

  /** {@code edge list}: one row per worker, or per app without workers; {@code (no apps)}. */
  static String list(JsonNode doc) {
    if (doc.path("apps").isEmpty()) {
      return "(no apps)\n";
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(
        List.of(
            "APP",
            "WORKER",
            "PID",
            "GEN",
            "STATE",
            "INFLIGHT",
            "HANDLED",
            "RSS",
            "UPTIME",
            "RESTARTS"));
    for (JsonNode app : doc.path("apps")) {
      String id = app.path("id").asString();
      if (app.path("workerTable").isEmpty()) {
        rows.add(List.of(id, "-", "-", "-", app.path("state").asString(), "-", "-", "-", "-", "-"));
      }
      for (JsonNode w : app.path("workerTable")) {
        long rss = w.path("rssBytes").asLong(-1);
        int restarts = w.path("restarts").asInt();
        rows.add(
            List.of(
                id,
                "w" + w.path("id").asLong(),
                w.path("pid").asString(),
                w.path("generation").asString(),
                w.path("state").asString(),
                w.path("inflight").asString(),
                w.path("handled").asString(),
                rss < 0 ? "-" : String.format(Locale.ROOT, "%.1f MiB", rss / 1048576.0),
                duration(w.path("uptimeSeconds").asLong()),
                restarts < 0 ? "-" : Integer.toString(restarts)));
      }
    }
    return table(rows);
  }

  /** One output line of {@code edge logs}: {@code [app wN] text}, or a gap notice. */
  static String logLine(String app, JsonNode record) {
    if (record.has("first")) {
      return "-- earlier lines are gone; the next is #" + record.path("first").asLong() + " --";
    }
    return "["
        + app
        + " w"
        + record.path("worker").asLong()
        + "] "
        + record.path("line").asString();
  }

  /**
   * One event of {@code edge events}: {@code seq=N <time> <event> name=value ...} (like the edge's
   * log line; null fields left out), or a gap notice.
   */
  static String event(JsonNode record) {
    if ("gap".equals(record.path("event").asString()) && !record.has("seq")) {
      return "-- earlier events are gone; the next is seq=" + record.path("first").asLong() + " --";
    }
    StringBuilder line =
        new StringBuilder("seq=")
            .append(record.path("seq").asLong())
            .append(' ')
            .append(record.path("t").asString())
            .append(' ')
            .append(record.path("event").asString());
    for (Map.Entry<String, JsonNode> field : record.properties()) {
      String name = field.getKey();
      if (name.equals("seq") || name.equals("t") || name.equals("event")) {
        continue;
      }
      JsonNode value = field.getValue();
      if (!value.isNull()) {
        line.append(' ')
            .append(name)
            .append('=')
            .append(value.isString() ? value.asString() : value);
      }
    }
    return line.toString();
  }

  /** {@code 1h02m}, {@code 3m07s}, {@code 12s}. */
  static String duration(long seconds) {
    if (seconds >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
    if (seconds >= 60) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return seconds + "s";
  }

  /** Left-aligned columns two spaces apart; the first row is the header. */
  static String table(List<List<String>> rows) {
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
