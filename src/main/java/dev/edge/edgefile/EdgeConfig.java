package dev.edge.edgefile;

import java.util.List;
import java.util.Map;

/**
 * One Edgefile, validated and normalized: every default filled in and every timeout inherited
 * (edge, then app or site, then route). Immutable; maps keep declaration order.
 *
 * @param version the file format version (always 1)
 * @param apps apps by id, in declaration order
 * @param sites sites by name, in declaration order
 * @param tls the edge-wide ACME settings of the top-level {@code tls:} section, {@link
 *     EdgeTls#NONE} when it is absent
 * @param mdns whether {@code edge: {mdns: true}} asks for mDNS advertisement of {@code edge.local}
 *     and the sites' {@code .local} hosts (the {@code --mdns} option turns it on as well)
 */
public record EdgeConfig(
    int version, Map<String, AppDef> apps, Map<String, Site> sites, EdgeTls tls, boolean mdns) {

  /** A config that does not ask for mDNS. */
  public EdgeConfig(int version, Map<String, AppDef> apps, Map<String, Site> sites, EdgeTls tls) {
    this(version, apps, sites, tls, false);
  }

  /**
   * A named group of hosts sharing one ordered list of routes.
   *
   * @param name the site's key under {@code sites:}
   * @param hosts lower-case host patterns: exact names, {@code *.example.com}, or {@code *}
   * @param routes in declaration order
   * @param tls the site's HTTPS settings, {@link SiteTls#NONE} when it has no {@code tls:}
   * @param realtime the site's realtime hub settings, {@link SiteRealtime#NONE} when it has no
   *     {@code realtime:}
   */
  public record Site(
      String name, List<String> hosts, List<Route> routes, SiteTls tls, SiteRealtime realtime) {}

  /**
   * One route: which requests it takes and what it does with them.
   *
   * @param field where it was declared, e.g. {@code sites.web.routes[2]}
   * @param line the 1-based line of its declaration
   * @param path the path pattern
   * @param methods upper-case methods it takes; empty means every method
   * @param priority lower wins among equally specific paths (default 0)
   * @param action what it does
   * @param headers request and response header edits (empty when none)
   * @param timeouts resolved timeouts (route, else site, else app, else edge)
   * @param limits the route's own limits (route, else site), {@link Limits#NONE} when none
   * @param buffering whether request and response bodies are buffered (route, else site, else the
   *     action's default)
   */
  public record Route(
      String field,
      int line,
      PathPattern path,
      List<String> methods,
      int priority,
      RouteAction action,
      HeaderRules headers,
      Timeouts timeouts,
      Limits limits,
      BodyBuffering buffering) {}
}
