package dev.edge.edgefile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The {@code sites:} section: each site's hosts, timeouts, limits, buffering, TLS and realtime
 * settings and routes, and their conflicts.
 */
final class SitesSection {

  private static final String NAME_EXPECTED =
      "a site name of letters, digits, \"_\", \".\" and \"-\", starting with a letter or digit,"
          + " at most 40 characters";

  private final Problems problems;
  private final ActionSection actions;
  private final AppsSection.Apps apps;
  private final AppDefaults edge;
  private final Path baseDir;
  private final List<Conflicts.HostClaim> claims = new ArrayList<>();

  private SitesSection(
      Problems problems,
      ActionSection actions,
      AppsSection.Apps apps,
      AppDefaults edge,
      Path baseDir) {
    this.problems = problems;
    this.actions = actions;
    this.apps = apps;
    this.edge = edge;
    this.baseDir = baseDir;
  }

  /**
   * Reads {@code sites:} (required, at least one site). Returns the sites that are valid, by name
   * in declaration order; every problem, conflicts included, is reported. Relative paths (a site's
   * certificate and key) are resolved against {@code baseDir}.
   */
  static Map<String, EdgeConfig.Site> read(
      Fields root,
      AppsSection.Apps apps,
      AppDefaults edge,
      ActionSection actions,
      Path baseDir,
      Problems problems) {
    Node node = root.get("sites");
    if (node == null) {
      root.missing("sites", "add at least one site with hosts and routes");
      return Map.of();
    }
    Fields sites = Fields.read(node, "sites", null, "a mapping of site names to sites", problems);
    if (sites == null) {
      return Map.of();
    }
    if (sites.entries().isEmpty()) {
      problems.value(node, "sites", "at least one site with hosts and routes");
      return Map.of();
    }
    SitesSection section = new SitesSection(problems, actions, apps, edge, baseDir);
    Map<String, EdgeConfig.Site> result = new LinkedHashMap<>();
    for (Fields.Entry entry : sites.entries()) {
      if (!Values.isName(entry.name())) {
        problems.value(entry.key(), sites.field(entry.name()), NAME_EXPECTED);
        continue;
      }
      EdgeConfig.Site site = section.site(entry);
      if (site != null) {
        result.put(entry.name(), site);
      }
    }
    Conflicts.hosts(section.claims, problems);
    return Collections.unmodifiableMap(result);
  }

  private EdgeConfig.Site site(Fields.Entry entry) {
    String name = entry.name();
    Fields fields =
        Fields.read(
            entry.value(),
            "sites." + name,
            List.of("hosts", "timeouts", "limits", "buffering", "tls", "realtime", "routes"),
            "a site: a mapping with hosts and routes",
            problems);
    if (fields == null) {
      return null;
    }
    List<String> hosts = hosts(fields, entry.key());
    SiteTls tls =
        fields.has("tls")
            ? TlsSection.site(fields.get("tls"), fields.field("tls"), hosts, baseDir, problems)
            : SiteTls.NONE;
    SiteRealtime realtime =
        fields.has("realtime")
            ? RealtimeSection.site(
                fields.get("realtime"), fields.field("realtime"), actions, problems)
            : SiteRealtime.NONE;
    Timeouts timeouts =
        PoolSection.timeouts(fields.get("timeouts"), fields.field("timeouts"), problems);
    Limits limits = LimitsSection.read(fields.get("limits"), fields.field("limits"), problems);
    BufferingSection.Setting buffering =
        BufferingSection.read(fields.get("buffering"), fields.field("buffering"), problems);
    List<RouteSection.Draft> drafts = routes(fields, entry.key());
    Conflicts.shadowed(drafts, problems);
    if (hosts == null
        || tls == null
        || realtime == null
        || drafts.isEmpty()
        || !drafts.stream().allMatch(RouteSection.Draft::ok)) {
      return null;
    }
    List<EdgeConfig.Route> routes = new ArrayList<>();
    for (RouteSection.Draft draft : drafts) {
      routes.add(route(draft, timeouts, limits, buffering));
    }
    return new EdgeConfig.Site(name, hosts, List.copyOf(routes), tls, realtime);
  }

  private EdgeConfig.Route route(
      RouteSection.Draft draft,
      Timeouts siteTimeouts,
      Limits siteLimits,
      BufferingSection.Setting siteBuffering) {
    Timeouts base = edge.timeouts();
    if (draft.action() instanceof RouteAction.ToApp toApp && apps.defs().containsKey(toApp.app())) {
      base = apps.defs().get(toApp.app()).timeouts();
    }
    Timeouts timeouts =
        PoolSection.inherit(draft.timeouts(), PoolSection.inherit(siteTimeouts, base));
    return new EdgeConfig.Route(
        draft.field(),
        YamlTree.line(draft.node()),
        draft.path(),
        draft.methods(),
        draft.priority(),
        draft.action(),
        draft.headers(),
        timeouts,
        draft.limits().over(siteLimits),
        BufferingSection.resolve(draft.buffering(), siteBuffering, draft.action()));
  }

  private List<String> hosts(Fields site, Node siteKey) {
    Node node = site.get("hosts");
    String field = site.field("hosts");
    if (node == null) {
      problems.add(siteKey, field, "missing", "e.g. hosts: [example.com, \"*.example.com\"]");
      return null;
    }
    List<Node> items = Values.list(node, field, "a list of host names", problems);
    if (items == null) {
      return null;
    }
    if (items.isEmpty()) {
      problems.value(node, field, "at least one host name, or \"*\" for every host");
      return null;
    }
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Node item = items.get(i);
      String itemField = field + "[" + i + "]";
      String text = Values.string(item, itemField, Hosts.EXPECTED, problems);
      String host = text == null ? null : Hosts.normalize(text);
      if (host == null) {
        if (text != null) {
          problems.value(item, itemField, Hosts.EXPECTED, Hosts.hint(text));
        }
        hosts = null;
        continue;
      }
      claims.add(new Conflicts.HostClaim(host, itemField, item));
      if (hosts != null) {
        hosts.add(host);
      }
    }
    return hosts == null ? null : List.copyOf(hosts);
  }

  private List<RouteSection.Draft> routes(Fields site, Node siteKey) {
    Node node = site.get("routes");
    String field = site.field("routes");
    if (node == null) {
      problems.add(siteKey, field, "missing", "e.g. routes: [{path: /*, app: api}]");
      return List.of();
    }
    if (node instanceof MappingNode) {
      problems.value(node, field, "a list of routes", "start each route with \"- \"");
      return List.of();
    }
    List<Node> items = Values.list(node, field, "a list of routes", problems);
    if (items == null) {
      return List.of();
    }
    if (items.isEmpty()) {
      problems.value(node, field, "at least one route");
      return List.of();
    }
    List<RouteSection.Draft> drafts = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      RouteSection.Draft draft =
          RouteSection.read(items.get(i), field + "[" + i + "]", actions, problems);
      if (draft == null) {
        drafts.add(
            new RouteSection.Draft(
                field + "[" + i + "]",
                items.get(i),
                null,
                null,
                null,
                null,
                null,
                null,
                Limits.NONE,
                BufferingSection.Setting.UNSET,
                false));
      } else {
        drafts.add(draft);
      }
    }
    return drafts;
  }
}
