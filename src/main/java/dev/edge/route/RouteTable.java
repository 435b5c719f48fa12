package dev.edge.route;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.edgefile.EdgeConfig;
import dev.edge.edgefile.EdgeConfig.Route;
import dev.edge.edgefile.EdgeConfig.Site;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every route of a config, indexed by host. Immutable and safe to share between event loops.
 *
 * <p>Precedence, fully deterministic: an exact host beats a wildcard ({@code *.example.com}, one
 * label) which beats the catch-all {@code *}; within those, an exact path beats a prefix and a
 * longer prefix a shorter one; then the lower {@code priority}; then declaration order. The first
 * route in that order whose path and methods match takes the request. A route listing {@code GET}
 * also takes {@code HEAD}.
 *
 * <p>When routes match the host and path but none the method, the answer is {@code 405} with the
 * methods they do take in {@code Allow}; when nothing matches, {@code 404 no_route}.
 */
public final class RouteTable {

  private static final Comparator<Entry> PRECEDENCE =
      Comparator.comparing((Entry e) -> e.route().path().prefix())
          .thenComparing(e -> -e.route().path().path().length())
          .thenComparingInt(e -> e.route().priority())
          .thenComparingInt(Entry::order);

  private final Map<String, List<Entry>> exact;
  private final Map<String, List<Entry>> wildcard;
  private final List<Entry> catchAll;
  private final int routeCount;

  private RouteTable(
      Map<String, List<Entry>> exact,
      Map<String, List<Entry>> wildcard,
      List<Entry> catchAll,
      int routeCount) {
    this.exact = exact;
    this.wildcard = wildcard;
    this.catchAll = catchAll;
    this.routeCount = routeCount;
  }

  /** Compiles the routes of {@code config}. */
  public static RouteTable compile(EdgeConfig config) {
    Map<String, List<Entry>> exact = new HashMap<>();
    Map<String, List<Entry>> wildcard = new HashMap<>();
    List<Entry> catchAll = new ArrayList<>();
    int order = 0;
    for (Site site : config.sites().values()) {
      List<Entry> entries = new ArrayList<>();
      for (Route route : site.routes()) {
        entries.add(new Entry(site.name(), route, order++));
      }
      for (String host : site.hosts()) {
        if (host.equals("*")) {
          catchAll.addAll(entries);
        } else if (host.startsWith("*.")) {
          wildcard.computeIfAbsent(host.substring(2), h -> new ArrayList<>()).addAll(entries);
        } else {
          exact.computeIfAbsent(host, h -> new ArrayList<>()).addAll(entries);
        }
      }
    }
    exact.replaceAll((host, entries) -> sorted(entries));
    wildcard.replaceAll((host, entries) -> sorted(entries));
    return new RouteTable(Map.copyOf(exact), Map.copyOf(wildcard), sorted(catchAll), order);
  }

  private static List<Entry> sorted(List<Entry> entries) {
    List<Entry> copy = new ArrayList<>(entries);
    copy.sort(PRECEDENCE);
    return List.copyOf(copy);
  }

  /** The number of routes. */
  public int routeCount() {
    return routeCount;
  }

  /**
   * The route for a request.
   *
   * @param host the normalized host ({@link HostNames#normalize})
   * @param path the request path without query
   * @param method the request method
   * @throws EdgeException {@code 404 no_route} or {@code 405 method_not_allowed}
   */
  public RouteMatch match(String host, String path, String method) {
    RouteMatch match = find(host, path, method, null);
    if (match != null) {
      return match;
    }
    Set<String> allowed = new LinkedHashSet<>(); // only a miss pays for collecting Allow
    find(host, path, method, allowed);
    if (!allowed.isEmpty()) {
      throw new EdgeException(
          Reason.METHOD_NOT_ALLOWED,
          method + " is not allowed on " + path,
          Map.of("Allow", String.join(", ", allowed)));
    }
    throw new EdgeException(Reason.NO_ROUTE, "no route for host \"" + host + "\" and path " + path);
  }

  /** The route taking the request, in precedence order, or null; see {@link #firstIn}. */
  private RouteMatch find(String host, String path, String method, Set<String> allowed) {
    RouteMatch match = firstIn(exact.get(host), path, method, allowed);
    if (match == null && !wildcard.isEmpty()) {
      String parent = HostNames.parentOf(host);
      match = parent == null ? null : firstIn(wildcard.get(parent), path, method, allowed);
    }
    return match != null ? match : firstIn(catchAll, path, method, allowed);
  }

  /**
   * The first of {@code candidates} (already in precedence order) taking the request, or null; adds
   * the methods of routes that match only by path to {@code allowed}, unless it is null.
   */
  private static RouteMatch firstIn(
      List<Entry> candidates, String path, String method, Set<String> allowed) {
    if (candidates == null) {
      return null;
    }
    for (Entry entry : candidates) {
      Route route = entry.route();
      if (!route.path().matches(path)) {
        continue;
      }
      if (takes(route.methods(), method)) {
        return new RouteMatch(entry.site(), route, remainder(route, path));
      }
      if (allowed != null) {
        allowed.addAll(route.methods());
        if (route.methods().contains("GET")) {
          allowed.add("HEAD");
        }
      }
    }
    return null;
  }

  private static boolean takes(List<String> methods, String method) {
    return methods.isEmpty()
        || methods.contains(method)
        || (method.equals("HEAD") && methods.contains("GET"));
  }

  private static String remainder(Route route, String path) {
    return route.path().prefix() ? path.substring(route.path().path().length()) : path;
  }

  /** A route with its site and its place in declaration order. */
  private record Entry(String site, Route route, int order) {}
}
