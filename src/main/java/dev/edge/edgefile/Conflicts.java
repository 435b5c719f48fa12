package dev.edge.edgefile;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Problems between declarations: a host claimed twice, and routes that can never match because
 * another route of the same site takes all their requests. Each is reported on the declaration that
 * loses, naming the other one with its line.
 */
final class Conflicts {

  private Conflicts() {}

  /**
   * One host as a site lists it.
   *
   * @param host the lower-cased host pattern
   * @param field e.g. {@code sites.web.hosts[1]}
   * @param node where it is written
   */
  record HostClaim(String host, String field, Node node) {}

  /** Reports every host claimed after an earlier claim of the same host, in any site. */
  static void hosts(List<HostClaim> claims, Problems problems) {
    Map<String, HostClaim> first = new HashMap<>();
    for (HostClaim claim : claims) {
      HostClaim earlier = first.putIfAbsent(claim.host(), claim);
      if (earlier != null) {
        problems.add(
            claim.node(),
            claim.field(),
            "host \""
                + claim.host()
                + "\" is already claimed by "
                + earlier.field()
                + " (line "
                + YamlTree.line(earlier.node())
                + ")",
            "a host belongs to exactly one site: remove one of them");
      }
    }
  }

  /**
   * Reports every route of one site that can never match: another route has the same path pattern,
   * takes every method it takes, and wins (a lower priority, or the same priority and declared
   * first). The winner named is the one that would take its requests.
   */
  static void shadowed(List<RouteSection.Draft> routes, Problems problems) {
    for (int b = 0; b < routes.size(); b++) {
      RouteSection.Draft loser = routes.get(b);
      if (!comparable(loser)) {
        continue;
      }
      RouteSection.Draft winner = null;
      int winnerIndex = -1;
      for (int a = 0; a < routes.size(); a++) {
        RouteSection.Draft candidate = routes.get(a);
        if (a == b
            || !comparable(candidate)
            || !candidate.path().equals(loser.path())
            || !covers(candidate.methods(), loser.methods())
            || !wins(candidate, a, loser, b)) {
          continue;
        }
        if (winner == null || wins(candidate, a, winner, winnerIndex)) {
          winner = candidate;
          winnerIndex = a;
        }
      }
      if (winner != null) {
        report(loser, winner, problems);
      }
    }
  }

  private static void report(
      RouteSection.Draft loser, RouteSection.Draft winner, Problems problems) {
    String order =
        winner.priority().equals(loser.priority())
            ? "comes first"
            : "has a lower priority (" + winner.priority() + ")";
    problems.add(
        loser.node(),
        loser.field(),
        "route can never match: "
            + winner.field()
            + " (line "
            + YamlTree.line(winner.node())
            + ") has the same path \""
            + loser.path()
            + "\", takes all its methods and "
            + order,
        "give it a different path or methods, or a lower priority");
  }

  private static boolean comparable(RouteSection.Draft route) {
    return route.path() != null && route.methods() != null && route.priority() != null;
  }

  /** Whether {@code a} takes every method of {@code b} (empty = every method). */
  private static boolean covers(List<String> a, List<String> b) {
    return a.isEmpty() || (!b.isEmpty() && a.containsAll(b));
  }

  /** Whether route {@code a} (at index {@code ai}) is tried before {@code b} (at {@code bi}). */
  private static boolean wins(RouteSection.Draft a, int ai, RouteSection.Draft b, int bi) {
    int byPriority = Integer.compare(a.priority(), b.priority());
    return byPriority < 0 || (byPriority == 0 && ai < bi);
  }
}
