package dev.edge.edgefile;

import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A {@code buffering:} block of a site or route: {@code request} and {@code response}, each true or
 * false, and how a route's resolves against its site's and its action's defaults.
 */
final class BufferingSection {

  /** The keys of a {@code buffering:} block. */
  static final List<String> KEYS = List.of("request", "response");

  private static final String EXPECTED =
      "a mapping of request and response, each true or false, e.g. {request: true}";

  /**
   * The components set in a {@code buffering:} block; unset ones (and bad ones, which are reported)
   * are null.
   *
   * @param request whether to buffer request bodies, or null when unset
   * @param response whether to buffer response bodies, or null when unset
   */
  record Setting(Boolean request, Boolean response) {

    /** Nothing set. */
    static final Setting UNSET = new Setting(null, null);
  }

  private BufferingSection() {}

  /** A site's {@code buffering:} block; {@link Setting#UNSET} when absent or bad (reported). */
  static Setting read(Node node, String field, Problems problems) {
    return block(node, field, null, problems);
  }

  /**
   * A route's {@code buffering:} block, checked against its action ({@code kind}, the action key,
   * or null when the route has none): {@code static} and {@code redirect} routes may not have one,
   * and {@code proxy} routes may not buffer responses.
   */
  static Setting read(Fields route, String kind, Problems problems) {
    if (route.has("buffering") && ("static".equals(kind) || "redirect".equals(kind))) {
      problems.add(
          route.key("buffering"),
          route.field("buffering"),
          "buffering applies to app and proxy routes, not to " + kind + " routes",
          "remove it");
      return Setting.UNSET;
    }
    return block(route.get("buffering"), route.field("buffering"), kind, problems);
  }

  private static Setting block(Node node, String field, String kind, Problems problems) {
    if (node == null) {
      return Setting.UNSET;
    }
    Fields fields = Fields.read(node, field, KEYS, EXPECTED, problems);
    if (fields == null) {
      return Setting.UNSET;
    }
    Boolean request = component(fields, "request", problems);
    Boolean response = component(fields, "response", problems);
    if ("proxy".equals(kind) && Boolean.TRUE.equals(response)) {
      problems.add(
          fields.get("response"),
          fields.field("response"),
          "response buffering applies to app routes, not to proxy routes",
          "remove it: proxy responses always stream");
      response = null;
    }
    return new Setting(request, response);
  }

  /**
   * The buffering of a route with {@code action}: each component from the route, else its site,
   * else the action's default. Proxy routes take only {@code request} (a site's {@code response} is
   * for its app routes); static and redirect routes buffer nothing.
   */
  static BodyBuffering resolve(Setting route, Setting site, RouteAction action) {
    if (action instanceof RouteAction.ToApp) {
      return new BodyBuffering(
          first(route.request(), site.request(), true),
          first(route.response(), site.response(), true));
    }
    if (action instanceof RouteAction.Proxy) {
      return new BodyBuffering(first(route.request(), site.request(), false), false);
    }
    return BodyBuffering.NONE;
  }

  private static boolean first(Boolean own, Boolean inherited, boolean fallback) {
    return own != null ? own : inherited != null ? inherited : fallback;
  }

  private static Boolean component(Fields fields, String key, Problems problems) {
    Node node = fields.get(key);
    return node == null ? null : Values.bool(node, fields.field(key), problems);
  }
}
