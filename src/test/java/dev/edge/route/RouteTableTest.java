package dev.edge.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.edgefile.BodyBuffering;
import dev.edge.edgefile.EdgeConfig;
import dev.edge.edgefile.EdgeConfig.Route;
import dev.edge.edgefile.EdgeConfig.Site;
import dev.edge.edgefile.EdgeTls;
import dev.edge.edgefile.HeaderRules;
import dev.edge.edgefile.Limits;
import dev.edge.edgefile.PathPattern;
import dev.edge.edgefile.RouteAction;
import dev.edge.edgefile.SiteRealtime;
import dev.edge.edgefile.SiteTls;
import dev.edge.edgefile.Timeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Route precedence, table-driven: host kind, then path specificity, priority, declaration order.
 */
class RouteTableTest {

  private static final Timeouts T =
      new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));

  /** Each route's action is an app named after the route, so a match names the route. */
  private static Route route(String name, String path, int priority, String... methods) {
    boolean prefix = path.endsWith("/*");
    PathPattern pattern =
        new PathPattern(prefix ? path.substring(0, path.length() - 2) : path, prefix);
    return new Route(
        name,
        1,
        pattern,
        List.of(methods),
        priority,
        new RouteAction.ToApp(name),
        HeaderRules.NONE,
        T,
        Limits.NONE,
        BodyBuffering.BOTH);
  }

  private static final RouteTable TABLE = table();

  private static RouteTable table() {
    Map<String, Site> sites = new LinkedHashMap<>();
    sites.put(
        "exact",
        new Site(
            "exact",
            List.of("example.com", "www.example.com"),
            List.of(
                route("e-root", "/*", 0),
                route("e-api", "/api/*", 0),
                route("e-api-v1", "/api/v1/*", 0),
                route("e-health", "/health", 0),
                route("e-api-exact", "/api", 0),
                route("e-get-only", "/items/*", 0, "GET"),
                route("e-post-fallback", "/items/*", 1),
                route("e-first", "/same/*", 5),
                route("e-second", "/same/*", 5, "PUT"),
                route("e-low-priority-number", "/same/*", 2, "DELETE")),
            SiteTls.NONE,
            SiteRealtime.NONE));
    sites.put(
        "wild",
        new Site(
            "wild",
            List.of("*.example.com"),
            List.of(route("w-root", "/*", 0), route("w-docs", "/docs/*", 0)),
            SiteTls.NONE,
            SiteRealtime.NONE));
    sites.put(
        "only-post",
        new Site(
            "only-post",
            List.of("post.test"),
            List.of(route("p-post", "/*", 0, "POST")),
            SiteTls.NONE,
            SiteRealtime.NONE));
    sites.put(
        "any",
        new Site(
            "any",
            List.of("*"),
            List.of(route("c-root", "/*", 0), route("c-static", "/s/*", 0)),
            SiteTls.NONE,
            SiteRealtime.NONE));
    return RouteTable.compile(new EdgeConfig(1, Map.of(), sites, EdgeTls.NONE));
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    // exact host beats wildcard beats catch-all
    cases.add(Arguments.of("example.com", "/x", "GET", "e-root"));
    cases.add(Arguments.of("www.example.com", "/x", "GET", "e-root"));
    cases.add(Arguments.of("a.example.com", "/x", "GET", "w-root"));
    cases.add(Arguments.of("a.b.example.com", "/x", "GET", "c-root"));
    cases.add(Arguments.of("other.test", "/x", "GET", "c-root"));
    cases.add(Arguments.of("", "/x", "GET", "c-root"));
    // the more specific path: exact > longer prefix > shorter prefix
    cases.add(Arguments.of("example.com", "/health", "GET", "e-health"));
    cases.add(Arguments.of("example.com", "/health/x", "GET", "e-root"));
    cases.add(Arguments.of("example.com", "/api", "GET", "e-api-exact"));
    cases.add(Arguments.of("example.com", "/api/", "GET", "e-api"));
    cases.add(Arguments.of("example.com", "/api/users", "GET", "e-api"));
    cases.add(Arguments.of("example.com", "/api/v1", "GET", "e-api-v1"));
    cases.add(Arguments.of("example.com", "/api/v1/users", "GET", "e-api-v1"));
    cases.add(Arguments.of("example.com", "/api/v10", "GET", "e-api"));
    cases.add(Arguments.of("example.com", "/apix", "GET", "e-root"));
    // methods, then priority, then declaration order
    cases.add(Arguments.of("example.com", "/items/1", "GET", "e-get-only"));
    cases.add(Arguments.of("example.com", "/items/1", "HEAD", "e-get-only"));
    cases.add(Arguments.of("example.com", "/items/1", "POST", "e-post-fallback"));
    cases.add(Arguments.of("example.com", "/same/1", "GET", "e-first"));
    cases.add(Arguments.of("example.com", "/same/1", "PUT", "e-first"));
    cases.add(Arguments.of("example.com", "/same/1", "DELETE", "e-low-priority-number"));
    // a host that matches exactly still falls through to a wildcard or catch-all path
    cases.add(Arguments.of("a.example.com", "/docs/x", "GET", "w-docs"));
    cases.add(Arguments.of("example.com", "/s/x", "GET", "e-root"));
    cases.add(Arguments.of("post.test", "/s/x", "GET", "c-static"));
    cases.add(Arguments.of("post.test", "/x", "POST", "p-post"));
    cases.add(Arguments.of("post.test", "/x", "GET", "c-root"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {2} {1} -> {3}")
  @MethodSource("cases")
  void precedence(String host, String path, String method, String expected) {
    assertThat(TABLE.match(host, path, method).route().field()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostHeaders")
  void hostHeadersAreNormalized(String header, String expected) {
    assertThat(HostNames.normalize(header)).isEqualTo(expected);
  }

  static Stream<Arguments> hostHeaders() {
    return Stream.of(
        Arguments.of("Example.COM", "example.com"),
        Arguments.of("example.com:8080", "example.com"),
        Arguments.of("example.com.", "example.com"),
        Arguments.of("[::1]:8080", "[::1]"),
        Arguments.of("127.0.0.1:80", "127.0.0.1"),
        Arguments.of(null, ""));
  }

  @org.junit.jupiter.api.Test
  void prefixRemainderIsThePathBelowThePrefix() {
    RouteMatch match = TABLE.match("a.example.com", "/docs/guide/intro.html", "GET");
    assertThat(match.site()).isEqualTo("wild");
    assertThat(match.remainder()).isEqualTo("/guide/intro.html");
    assertThat(TABLE.match("a.example.com", "/docs", "GET").remainder()).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void nothingMatchingIsNoRouteAndAWrongMethodIs405WithAllow() {
    RouteTable onlyExact =
        RouteTable.compile(
            new EdgeConfig(
                1,
                Map.of(),
                Map.of(
                    "s",
                    new Site(
                        "s",
                        List.of("example.com"),
                        List.of(route("get", "/r/*", 0, "GET"), route("put", "/r/*", 0, "PUT")),
                        SiteTls.NONE,
                        SiteRealtime.NONE)),
                EdgeTls.NONE));
    assertThatThrownBy(() -> onlyExact.match("other.com", "/r/x", "GET"))
        .isInstanceOfSatisfying(
            EdgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_ROUTE));
    assertThatThrownBy(() -> onlyExact.match("example.com", "/elsewhere", "GET"))
        .isInstanceOfSatisfying(
            EdgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_ROUTE));
    assertThatThrownBy(() -> onlyExact.match("example.com", "/r/x", "POST"))
        .isInstanceOfSatisfying(
            EdgeException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.METHOD_NOT_ALLOWED);
              assertThat(e.headers()).containsEntry("Allow", "GET, HEAD, PUT");
            });
  }
}
