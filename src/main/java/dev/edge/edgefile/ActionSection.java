package dev.edge.edgefile;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** A route's action: {@code app}, {@code proxy}, {@code static} or {@code redirect}. */
final class ActionSection {

  /** The action keys, exactly one of which a route has. */
  static final List<String> KEYS = List.of("app", "proxy", "static", "redirect");

  private static final String PROXY_EXPECTED =
      "an upstream URL, a list of them, or {upstreams: [...], host: ...}";
  private static final String STATIC_EXPECTED =
      "a directory, relative to the Edgefile's directory, or {dir: ..., index: ..., spa: ...}";
  private static final String REDIRECT_EXPECTED = "a target URL or path, or {to: ..., status: ...}";
  private static final String HOST_EXPECTED =
      "a host name for the Host header, optionally with a port, e.g. internal.example.com";
  private static final Set<Integer> REDIRECT_STATUSES = Set.of(301, 302, 303, 307, 308);

  private final Problems problems;
  private final Path baseDir;
  private final List<String> appIds;

  /**
   * @param appIds the ids declared under {@code apps:}, which {@code app} actions may name
   */
  ActionSection(Problems problems, Path baseDir, List<String> appIds) {
    this.problems = problems;
    this.baseDir = baseDir;
    this.appIds = appIds;
  }

  /** The key of the route's action (the first one when it has several), or null when none. */
  static String kind(Fields route) {
    return kinds(route).stream().findFirst().orElse(null);
  }

  private static List<String> kinds(Fields route) {
    return route.entries().stream().map(Fields.Entry::name).filter(KEYS::contains).toList();
  }

  /** The route's one action, or null (reported) when it has none, several, or a bad one. */
  RouteAction read(Fields route) {
    List<String> kinds = kinds(route);
    if (kinds.isEmpty()) {
      problems.add(
          route.node(),
          route.path(),
          "missing action",
          "expected one of: " + String.join(", ", KEYS));
      return null;
    }
    String kind = kinds.get(0);
    for (String other : kinds.subList(1, kinds.size())) {
      problems.add(
          route.key(other),
          route.field(other),
          "two actions: \""
              + kind
              + "\" (line "
              + YamlTree.line(route.key(kind))
              + ") and \""
              + other
              + "\"",
          "keep one: a route has exactly one of app, proxy, static, redirect");
    }
    Node node = route.get(kind);
    String field = route.field(kind);
    return switch (kind) {
      case "app" -> app(node, field);
      case "proxy" -> proxy(node, field);
      case "static" -> staticFiles(node, field);
      default -> redirect(node, field);
    };
  }

  private RouteAction app(Node node, String field) {
    String id = appId(node, field);
    return id == null ? null : new RouteAction.ToApp(id);
  }

  /**
   * The id of an app declared under {@code apps:}, or null (reported, with the nearest id or the
   * defined ones as the hint). Used by {@code app} actions and by a site's {@code realtime.app}.
   */
  String appId(Node node, String field) {
    String expected = "the id of an app defined under apps:";
    String id = Values.string(node, field, expected, problems);
    if (id == null) {
      return null;
    }
    if (!appIds.contains(id)) {
      String nearest = Suggestions.nearest(id, appIds);
      String hint =
          nearest != null
              ? Suggestions.didYouMean(nearest)
              : appIds.isEmpty()
                  ? "no apps are defined; add it under apps:"
                  : "defined apps: " + String.join(", ", appIds);
      problems.value(node, field, expected, hint);
      return null;
    }
    return id;
  }

  private RouteAction proxy(Node node, String field) {
    String host = null;
    Node upstreams = node;
    String upstreamsField = field;
    if (node instanceof MappingNode) {
      Fields fields =
          Fields.read(node, field, List.of("upstreams", "host"), PROXY_EXPECTED, problems);
      if (!fields.has("upstreams")) {
        fields.missing("upstreams", "e.g. upstreams: [http://10.0.0.5:8080]");
        return null;
      }
      upstreams = fields.get("upstreams");
      upstreamsField = fields.field("upstreams");
      host = proxyHost(fields);
    }
    List<URI> urls = upstreams(upstreams, upstreamsField);
    return urls == null || (host != null && host.isEmpty())
        ? null
        : new RouteAction.Proxy(urls, host);
  }

  private List<URI> upstreams(Node node, String field) {
    if (node instanceof ScalarNode && !YamlTree.isNull(node)) {
      URI url = upstream(node, field);
      return url == null ? null : List.of(url);
    }
    List<Node> items = Values.list(node, field, PROXY_EXPECTED, problems);
    if (items == null) {
      return null;
    }
    if (items.isEmpty()) {
      problems.value(node, field, "at least one upstream URL, e.g. [http://10.0.0.5:8080]");
      return null;
    }
    List<URI> urls = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      urls.add(upstream(items.get(i), field + "[" + i + "]"));
    }
    return urls.contains(null) ? null : List.copyOf(urls);
  }

  private URI upstream(Node node, String field) {
    String text = Values.string(node, field, Urls.UPSTREAM, problems);
    if (text == null) {
      return null;
    }
    URI url = Urls.upstream(text);
    if (url == null) {
      problems.value(node, field, Urls.UPSTREAM, Urls.upstreamHint(text));
    }
    return url;
  }

  /** The Host override, null when unset, "" when bad (reported). */
  private String proxyHost(Fields fields) {
    Node node = fields.get("host");
    if (node == null) {
      return null;
    }
    String text = Values.string(node, fields.field("host"), HOST_EXPECTED, problems);
    if (text == null) {
      return "";
    }
    String lower = text.toLowerCase(Locale.ROOT);
    int colon = lower.lastIndexOf(':');
    String name = lower;
    if (colon > lower.lastIndexOf(']') && lower.substring(colon + 1).matches("[0-9]{1,5}")) {
      int port = Integer.parseInt(lower.substring(colon + 1));
      name = port >= 1 && port <= 65535 ? lower.substring(0, colon) : "";
    }
    if (!Hosts.isExact(name)) {
      problems.value(node, fields.field("host"), HOST_EXPECTED);
      return "";
    }
    return lower;
  }

  private RouteAction staticFiles(Node node, String field) {
    Node dirNode = node;
    String dirField = field;
    String index = "index.html";
    String spa = null;
    boolean ok = true;
    if (!(node instanceof ScalarNode) && !(node instanceof MappingNode)) {
      problems.value(node, field, STATIC_EXPECTED);
      return null;
    }
    if (node instanceof MappingNode) {
      Fields fields =
          Fields.read(node, field, List.of("dir", "index", "spa"), STATIC_EXPECTED, problems);
      if (!fields.has("dir")) {
        fields.missing("dir", "e.g. dir: ./public");
        return null;
      }
      dirNode = fields.get("dir");
      dirField = fields.field("dir");
      if (fields.has("index")) {
        index = fileName(fields.get("index"), fields.field("index"));
        ok = index != null;
      }
      if (fields.has("spa")) {
        spa = fileName(fields.get("spa"), fields.field("spa"));
        ok &= spa != null;
      }
    }
    String expected = "a directory, relative to the Edgefile's directory";
    String text = Values.string(dirNode, dirField, expected, problems);
    String dir = text == null ? null : Values.resolve(text, baseDir);
    if (text != null && dir == null) {
      problems.value(dirNode, dirField, expected);
    }
    return dir == null || !ok ? null : new RouteAction.Static(Path.of(dir), index, spa);
  }

  private String fileName(Node node, String field) {
    String text = Values.string(node, field, RouteRules.FILE_NAME, problems);
    if (text != null && !RouteRules.isFileName(text)) {
      problems.value(node, field, RouteRules.FILE_NAME);
      return null;
    }
    return text;
  }

  private RouteAction redirect(Node node, String field) {
    Node toNode = node;
    String toField = field;
    int status = 302;
    if (!(node instanceof ScalarNode) && !(node instanceof MappingNode)) {
      problems.value(node, field, REDIRECT_EXPECTED);
      return null;
    }
    if (node instanceof MappingNode) {
      Fields fields =
          Fields.read(node, field, List.of("to", "status"), REDIRECT_EXPECTED, problems);
      if (!fields.has("to")) {
        fields.missing("to", "e.g. to: \"https://example.com{path}{query}\"");
        return null;
      }
      toNode = fields.get("to");
      toField = fields.field("to");
      if (fields.has("status")) {
        Integer value =
            Values.integer(
                fields.get("status"),
                fields.field("status"),
                301,
                308,
                "one of 301, 302, 303, 307, 308",
                problems);
        if (value != null && !REDIRECT_STATUSES.contains(value)) {
          problems.value(
              fields.get("status"), fields.field("status"), "one of 301, 302, 303, 307, 308");
          value = null;
        }
        status = value == null ? 0 : value;
      }
    }
    String expected = Urls.REDIRECT;
    String to = Values.string(toNode, toField, expected, problems);
    if (to != null && !Urls.isRedirect(to)) {
      problems.value(toNode, toField, expected, Urls.redirectHint(to));
      return null;
    }
    return to == null || status == 0 ? null : new RouteAction.Redirect(to, status);
  }
}
