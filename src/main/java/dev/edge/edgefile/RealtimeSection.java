package dev.edge.edgefile;

import java.time.Duration;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A site's {@code realtime:} section: where the site's WebSocket clients reach the realtime hub
 * ({@code path}), which app receives their events ({@code app}), and how many messages each channel
 * keeps for catch-up and for how long ({@code history}, {@code historyTtl}). Every key is optional:
 * an unset one falls back to the edge's {@code --realtime-path} and the app the site's route for
 * that path goes to, which the runtime resolves.
 */
final class RealtimeSection {

  /** The keys of a site's {@code realtime:}. */
  static final List<String> KEYS = List.of("path", "app", "history", "historyTtl");

  /** The most messages one channel may keep. */
  static final int MAX_HISTORY = 100_000;

  private static final String EXPECTED =
      "a mapping of path, app, history and historyTtl, e.g. {app: chat, history: 100}";
  private static final String PATH_EXPECTED =
      "an exact path starting with \"/\", e.g. /realtime; not \"/\" alone; no *, ?, #, %,"
          + " spaces, \"//\" or \"..\"";

  private final Problems problems;

  private RealtimeSection(Problems problems) {
    this.problems = problems;
  }

  /**
   * Reads a site's {@code realtime:} at {@code field} ({@code sites.web.realtime}); {@code actions}
   * checks {@code app} against the apps declared under {@code apps:}. Returns {@link
   * SiteRealtime#NONE} when nothing is set, null when there are problems.
   */
  static SiteRealtime site(Node node, String field, ActionSection actions, Problems problems) {
    Fields fields = Fields.read(node, field, KEYS, EXPECTED, problems);
    if (fields == null) {
      return null;
    }
    int before = problems.count();
    RealtimeSection section = new RealtimeSection(problems);
    String path = section.path(fields);
    String app = fields.has("app") ? actions.appId(fields.get("app"), fields.field("app")) : null;
    Integer history =
        fields.has("history")
            ? Values.integer(
                fields.get("history"), fields.field("history"), 0, MAX_HISTORY, problems)
            : Integer.valueOf(0);
    Duration historyTtl =
        fields.has("historyTtl")
            ? Values.duration(fields.get("historyTtl"), fields.field("historyTtl"), problems)
            : null;
    if (history != null && history == 0) {
      section.ttlWithoutHistory(fields);
    }
    if (problems.count() > before) {
      return null;
    }
    SiteRealtime realtime = new SiteRealtime(path, app, history, historyTtl);
    return realtime.equals(SiteRealtime.NONE) ? SiteRealtime.NONE : realtime;
  }

  /** The hub's path for the site, or null when unset or bad (then reported). */
  private String path(Fields fields) {
    Node node = fields.get("path");
    if (node == null) {
      return null;
    }
    String field = fields.field("path");
    String text = Values.string(node, field, PATH_EXPECTED, problems);
    if (text == null) {
      return null;
    }
    if (isPath(text)) {
      return text;
    }
    problems.value(node, field, PATH_EXPECTED, pathHint(text));
    return null;
  }

  /** Whether {@code text} is a valid hub path: an exact route path other than {@code /}. */
  static boolean isPath(String text) {
    PathPattern pattern = RouteRules.pattern(text);
    return pattern != null && !pattern.prefix() && text.length() > 1;
  }

  /** A fix for an invalid hub path, or null. */
  static String pathHint(String text) {
    if (!text.startsWith("/") && isPath("/" + text)) {
      return Suggestions.didYouMean("/" + text);
    }
    if (text.endsWith("/*") && isPath(text.substring(0, text.length() - 2))) {
      return "the hub takes one exact path: "
          + Suggestions.didYouMean(text.substring(0, text.length() - 2));
    }
    if (text.contains("?")) {
      return "a client's query is passed on to the app with each event; the path has none";
    }
    if (text.contains("%")) {
      return "write the character itself, not its percent-encoding";
    }
    return null;
  }

  /** Reports {@code historyTtl} on a site whose channels keep no history. */
  private void ttlWithoutHistory(Fields fields) {
    if (fields.has("historyTtl")) {
      problems.add(
          fields.key("historyTtl"),
          fields.field("historyTtl"),
          "historyTtl applies only when history keeps messages (history is 0)",
          "set history to the messages to keep per channel, e.g. history: 100, or remove"
              + " historyTtl");
    }
  }
}
