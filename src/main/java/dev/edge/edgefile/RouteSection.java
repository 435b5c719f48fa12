package dev.edge.edgefile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One route of a site: path, methods, priority, action, header edits, timeouts, limits and
 * buffering.
 */
final class RouteSection {

  private static final List<String> KEYS =
      Stream.of(
              List.of("path", "methods", "priority"),
              ActionSection.KEYS,
              List.of("headers", "timeouts", "limits", "buffering"))
          .flatMap(List::stream)
          .toList();

  private static final String METHOD_EXPECTED = "an HTTP method, e.g. GET";

  private RouteSection() {}

  /**
   * A route as read, before timeouts are inherited. Components that were bad (and reported) are
   * null; {@code ok} says whether the route had no problem at all.
   *
   * @param field e.g. {@code sites.web.routes[2]}
   * @param node the route's node (for positions)
   * @param path the path pattern, or null
   * @param methods upper-case methods, empty for all, or null
   * @param priority the priority, or null
   * @param action the action, or null
   * @param headers the header edits, or null
   * @param timeouts the timeout components set on the route (null ones unset), or null
   * @param limits the limits set on the route
   * @param buffering the buffering components set on the route (null ones unset)
   * @param ok whether the route is valid
   */
  record Draft(
      String field,
      Node node,
      PathPattern path,
      List<String> methods,
      Integer priority,
      RouteAction action,
      HeaderRules headers,
      Timeouts timeouts,
      Limits limits,
      BufferingSection.Setting buffering,
      boolean ok) {}

  /** Reads the route at {@code node}; null when it is not a mapping (reported). */
  static Draft read(Node node, String field, ActionSection actions, Problems problems) {
    int before = problems.count();
    Fields fields =
        Fields.read(node, field, KEYS, "a route: a mapping with path and one action", problems);
    if (fields == null) {
      return null;
    }
    PathPattern path = path(fields, problems);
    List<String> methods = methods(fields, problems);
    Integer priority = 0;
    if (fields.has("priority")) {
      priority =
          Values.integer(
              fields.get("priority"),
              fields.field("priority"),
              Integer.MIN_VALUE,
              Integer.MAX_VALUE,
              "an integer; lower wins among equally specific paths",
              problems);
    }
    RouteAction action = actions.read(fields);
    HeaderRules headers =
        HeaderSection.read(fields.get("headers"), fields.field("headers"), problems);
    Timeouts timeouts =
        PoolSection.timeouts(fields.get("timeouts"), fields.field("timeouts"), problems);
    Limits limits = LimitsSection.read(fields.get("limits"), fields.field("limits"), problems);
    BufferingSection.Setting buffering =
        BufferingSection.read(fields, ActionSection.kind(fields), problems);
    return new Draft(
        field,
        fields.node(),
        path,
        methods,
        priority,
        action,
        headers,
        timeouts,
        limits,
        buffering,
        problems.count() == before);
  }

  private static PathPattern path(Fields fields, Problems problems) {
    Node node = fields.get("path");
    if (node == null) {
      fields.missing("path", "e.g. path: /api/*");
      return null;
    }
    String text = Values.string(node, fields.field("path"), RouteRules.PATH, problems);
    if (text == null) {
      return null;
    }
    PathPattern pattern = RouteRules.pattern(text);
    if (pattern == null) {
      problems.value(node, fields.field("path"), RouteRules.PATH, RouteRules.pathHint(text));
    }
    return pattern;
  }

  private static List<String> methods(Fields fields, Problems problems) {
    Node node = fields.get("methods");
    if (node == null) {
      return List.of();
    }
    String field = fields.field("methods");
    List<Node> items =
        Values.list(node, field, "a list of HTTP methods, e.g. [GET, HEAD]", problems);
    if (items == null) {
      return null;
    }
    if (items.isEmpty()) {
      problems.value(node, field, "at least one method; leave methods out to take every method");
      return null;
    }
    List<String> methods = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      Node item = items.get(i);
      String text = Values.string(item, field + "[" + i + "]", METHOD_EXPECTED, problems);
      if (text == null) {
        ok = false;
      } else if (!Values.isToken(text)) {
        problems.value(item, field + "[" + i + "]", METHOD_EXPECTED);
        ok = false;
      } else if (!methods.contains(text.toUpperCase(Locale.ROOT))) {
        methods.add(text.toUpperCase(Locale.ROOT));
      }
    }
    return ok ? List.copyOf(methods) : null;
  }
}
