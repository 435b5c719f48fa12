package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real browser: headless Chromium opens {@code /_edge/}, lets it poll {@code
 * /diagnostics} for some seconds of virtual time, and the test reads the DOM it rendered: one card
 * per app with its READY count, a worker table with one row per worker, charts with points, no
 * error, the realtime panel (the hub's counts, rates and failures; "realtime hub not available" on
 * a stub without it) and the certificates panel (the edge's dev certificate; "HTTPS is off" on the
 * stub). A second run keeps a screenshot in {@code target/it-screenshots/dashboard.png} (the one in
 * {@code docs/edge/dashboard.png} is a copy of it).
 *
 * <p>The first test opens the page on a real edge with the demo app; the others use {@link
 * DiagnosticsStub} for shapes a single demo edge cannot show (several apps, a worker starting, a
 * busy realtime hub, a refused {@code /diagnostics}).
 */
class DashboardIT {

  /** 5 polls at 0, 2, ..., 10 s of virtual time: 5 request-rate points, 6 latency points. */
  private static final Duration BUDGET = Duration.ofSeconds(11);

  private static final Path SCREENSHOT = Path.of("target", "it-screenshots", "dashboard.png");

  /** How the page writes an instant: minutes, in UTC. */
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  /** What the page must show for one app: its READY count and its worker table's rows. */
  record Expected(int ready, int workers) {}

  @Test
  void rendersEveryAppWithItsWorkersAndLiveCharts() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    try (EdgeProcess edge = EdgeProcess.startReady(2, "--workers=2")) {
      for (int i = 0; i < 20; i++) {
        assertThat(edge.get("/hello").statusCode()).isEqualTo(200);
      }
      Map<String, Expected> apps = new LinkedHashMap<>();
      apps.put("demo", new Expected(2, 2));
      JsonNode diagnostics = EdgeProcess.JSON.readTree(edge.get("/diagnostics").body());
      JsonNode certificates = diagnostics.get("tls").get("certificates");
      JsonNode realtime = diagnostics.get("realtime");
      Instant from = Instant.now();
      Dom dom = assertDashboard(chromium, edge.uri("/_edge/"), apps);
      assertDevCertificateRow(dom, certificates, from, Instant.now().plus(BUDGET));
      assertIdleHub(dom, realtime);
      assertThat(edge.lines("GET /diagnostics").size())
          .as("the page polled /diagnostics")
          .isGreaterThanOrEqualTo(3);

      HeadlessChromium.Loaded shot =
          chromium.screenshot(edge.uri("/_edge/"), Duration.ofSeconds(41), 1280, 900, SCREENSHOT);
      assertCleanConsole(shot);
    }
  }

  /** Several apps and worker states, from a stub {@code /diagnostics}. */
  @Test
  void rendersSeveralAppsAndWorkerStates() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    try (DiagnosticsStub stub = new DiagnosticsStub(DiagnosticsStub.Mode.HEALTHY)) {
      Map<String, Expected> apps = new LinkedHashMap<>();
      apps.put("web", new Expected(2, 2));
      apps.put("api", new Expected(2, 3));
      Dom dom = assertDashboard(chromium, stub.uri("/_edge/"), apps);
      assertThat(dom.byId("certificates").attrs())
          .as("the stub's /diagnostics has no tls section")
          .containsEntry("data-https", "off");
      assertThat(dom.textOf("https-off"))
          .isEqualTo("HTTPS is off: the edge serves no certificates.");
      assertThat(dom.rows("data-cert")).isEmpty();
      assertThat(dom.byId("realtime").attrs())
          .as("the stub's /diagnostics has no realtime section")
          .containsEntry("data-hub", "off");
      assertThat(dom.textOf("realtime-off")).isEqualTo("realtime hub not available");
      assertThat(dom.tiles("data-realtime")).isEmpty();
      assertThat(stub.calls()).as("the page polled /diagnostics").isGreaterThanOrEqualTo(3);
    }
  }

  /**
   * A busy hub, from a stub whose realtime counters grow on every poll: rates per second between
   * polls, totals as counts, and the failure counts that grew since the last poll highlighted.
   */
  @Test
  void drawsTheRealtimeHubWithRatesAndGrowingFailures() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    try (DiagnosticsStub stub = new DiagnosticsStub(DiagnosticsStub.Mode.REALTIME)) {
      Map<String, Expected> apps = new LinkedHashMap<>();
      apps.put("web", new Expected(2, 2));
      apps.put("api", new Expected(2, 3));
      Dom dom = assertDashboard(chromium, stub.uri("/_edge/"), apps);
      assertThat(dom.byId("realtime").attrs()).containsEntry("data-hub", "on");
      Map<String, Dom.Tile> tiles = dom.tiles("data-realtime");
      assertThat(tiles.keySet())
          .containsExactly(
              "clients",
              "groups",
              "messages",
              "deliveries",
              "connections",
              "published",
              "dropped",
              "slowConsumers",
              "eventFailures");
      assertThat(tiles.get("clients").text()).isEqualTo("clients 3");
      assertThat(tiles.get("groups").text()).isEqualTo("channels 2");
      assertThat(tiles.get("connections").value()).isEqualTo("11");
      assertThat(tiles.get("published").value()).isEqualTo("1,234");
      assertThat(tiles.get("slowConsumers").value()).isEqualTo("1");
      // 30 messages and 90 deliveries a poll, polls 2 s apart in virtual time (a little more
      // when a fetch takes virtual time): about 15 and 45 per second, never 0 or none.
      assertThat(rate(tiles.get("messages"))).isBetween(10.0, 15.0);
      assertThat(rate(tiles.get("deliveries"))).isBetween(30.0, 45.0);
      int calls = stub.calls();
      assertThat(Integer.parseInt(tiles.get("dropped").value().replace(",", "")))
          .as("dropped grows by one a call")
          .isBetween(3, calls);
      assertThat(tiles.get("dropped").attrs()).containsEntry("data-grew", "true");
      assertThat(tiles.get("eventFailures").attrs()).containsEntry("data-grew", "true");
      assertThat(tiles.get("slowConsumers").attrs()).containsEntry("data-grew", "false");
    }
  }

  @Test
  void saysSoWhenTheEdgeRefusesTheDiagnostics() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find();
    try (DiagnosticsStub stub = new DiagnosticsStub(DiagnosticsStub.Mode.FORBIDDEN)) {
      Dom dom = Dom.parse(chromium.dumpDom(stub.uri("/_edge/"), Duration.ofSeconds(3)).dom());
      Dom.Tag error = dom.byId("error");
      assertThat(error.attrs())
          .as("the error message is shown: %s", dom.html)
          .doesNotContainKey("hidden");
      assertThat(error.attrs()).containsEntry("data-error", "refused");
      assertThat(dom.textOf("error")).contains("403").contains("/diagnostics");
      assertThat(dom.byId("status").attrs()).containsEntry("data-status", "unreachable");
      assertThat(dom.all("section", "data-app")).isEmpty();
      assertThat(stub.calls()).isGreaterThanOrEqualTo(1);
    }
  }

  /**
   * Opens {@code page} in Chromium for {@link #BUDGET} and checks the rendered DOM shows exactly
   * {@code apps} (id → READY workers and worker-table rows), charts drawn with at least two points
   * each, and no error; returns the DOM for more checks.
   */
  static Dom assertDashboard(HeadlessChromium chromium, URI page, Map<String, Expected> apps)
      throws Exception {
    HeadlessChromium.Loaded loaded = chromium.dumpDom(page, BUDGET);
    assertCleanConsole(loaded);
    Dom dom = Dom.parse(loaded.dom());
    assertThat(dom.byId("error").attrs())
        .as("no error message; it says: %s", dom.textOf("error"))
        .containsKey("hidden");
    assertThat(Integer.parseInt(dom.byTag("body").attrs().getOrDefault("data-polls", "0")))
        .as("polls the page made")
        .isGreaterThanOrEqualTo(3);
    assertThat(dom.byId("status").attrs()).containsEntry("data-status", "healthy");

    Map<String, List<Dom.Tag>> rows = new LinkedHashMap<>();
    Map<String, List<Dom.Tag>> charts = new LinkedHashMap<>();
    Map<String, Dom.Tag> cards = new LinkedHashMap<>();
    String current = "(all apps)";
    for (Dom.Tag tag : dom.tags) {
      if (tag.name().equals("section") && tag.attrs().containsKey("data-app")) {
        current = tag.attrs().get("data-app");
        cards.put(current, tag);
      } else if (tag.name().equals("tr") && tag.attrs().containsKey("data-worker")) {
        rows.computeIfAbsent(current, k -> new ArrayList<>()).add(tag);
      } else if (tag.name().equals("figure") && tag.attrs().containsKey("data-chart")) {
        charts.computeIfAbsent(current, k -> new ArrayList<>()).add(tag);
      }
    }
    assertThat(cards.keySet()).as("app cards").containsExactlyElementsOf(apps.keySet());
    assertThat(charts).containsKey("(all apps)");
    for (Map.Entry<String, Expected> app : apps.entrySet()) {
      String id = app.getKey();
      Map<String, String> card = cards.get(id).attrs();
      assertThat(card).as(id).containsEntry("data-workers-ready", "" + app.getValue().ready());
      assertThat(card).as(id).containsEntry("data-worker-count", "" + app.getValue().workers());
      assertThat(rows.getOrDefault(id, List.of()))
          .as("worker rows of " + id)
          .hasSize(app.getValue().workers());
      assertThat(charts.get(id))
          .as("charts of " + id)
          .extracting(c -> c.attrs().get("data-chart"))
          .containsExactly("rate", "latency", "load");
    }
    for (Map.Entry<String, List<Dom.Tag>> of : charts.entrySet()) {
      for (Dom.Tag chart : of.getValue()) {
        assertThat(Integer.parseInt(chart.attrs().get("data-points")))
            .as("points of the %s chart of %s", chart.attrs().get("data-chart"), of.getKey())
            .isGreaterThanOrEqualTo(2);
      }
    }
    return dom;
  }

  /**
   * The certificates panel has one row per certificate of {@code /diagnostics}, and the dev
   * certificate's row reads exactly what that document says, as the page formats it. The page
   * counts days left at some instant of its virtual time between {@code from} and {@code to}.
   */
  static void assertDevCertificateRow(Dom dom, JsonNode certificates, Instant from, Instant to)
      throws Exception {
    assertThat(dom.byId("certificates").attrs()).containsEntry("data-https", "on");
    List<Dom.Row> rows = dom.rows("data-cert");
    assertThat(rows).as("certificate rows in %s", dom.html).hasSize(certificates.size());
    JsonNode dev = null;
    for (JsonNode certificate : certificates) {
      if (certificate.get("source").asString().equals("dev")) {
        dev = certificate;
      }
    }
    assertThat(dev).as("a dev certificate in %s", certificates).isNotNull();
    List<String> names = new ArrayList<>();
    dev.get("names").forEach(name -> names.add(name.asString()));
    assertThat(names).contains("localhost");
    assertThat(dev.get("default").asBoolean()).as("no --cert-file: dev is the default").isTrue();
    assertThat(dev.get("lastError").isNull()).isTrue();
    Instant notAfter = Instant.parse(dev.get("notAfter").asString());
    String issuer = commonName(dev.get("issuer").asString());
    assertThat(issuer).startsWith("edge development CA (");

    Dom.Row row =
        rows.stream()
            .filter(r -> "dev".equals(r.attrs().get("data-source")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no dev row in " + dom.html));
    assertThat(row.attrs())
        .containsEntry("data-cert", names.get(0))
        .containsEntry("data-default", "true")
        .containsEntry("data-expiry", "ok")
        .containsEntry("data-failing", "false");
    assertThat(row.cells().subList(0, 5))
        .containsExactly(String.join(", ", names), "dev", "default", issuer, UTC.format(notAfter));
    assertThat(row.cells().get(5))
        .as("days left")
        .isIn(daysLeft(notAfter, from), daysLeft(notAfter, to));
    assertThat(row.cells().subList(6, row.cells().size()))
        .containsExactly(UTC.format(Instant.parse(dev.get("nextRenewal").asString())), "–");
  }

  /**
   * A real edge nobody opened a realtime connection to: the panel shows exactly {@code 0} clients
   * and {@code 0} channels, no messages or deliveries per second, and the totals {@code
   * /diagnostics} reports, none highlighted.
   */
  static void assertIdleHub(Dom dom, JsonNode realtime) {
    assertThat(realtime).as("/diagnostics has a realtime section").isNotNull();
    assertThat(realtime.get("clients").asLong()).isZero();
    assertThat(realtime.get("groups").asLong()).isZero();
    assertThat(dom.byId("realtime").attrs()).containsEntry("data-hub", "on");
    Map<String, Dom.Tile> tiles = dom.tiles("data-realtime");
    assertThat(tiles.get("clients").value()).isEqualTo("0");
    assertThat(tiles.get("groups").value()).isEqualTo("0");
    assertThat(tiles.get("clients").text()).isEqualTo("clients 0");
    assertThat(tiles.get("groups").text()).isEqualTo("channels 0");
    assertThat(tiles.get("messages").value()).isEqualTo("0 /s");
    assertThat(tiles.get("deliveries").value()).isEqualTo("0 /s");
    for (String total :
        List.of("connections", "published", "dropped", "slowConsumers", "eventFailures")) {
      assertThat(tiles.get(total).value())
          .as(total)
          .isEqualTo(String.format(Locale.US, "%,d", realtime.get(total).asLong()));
    }
    for (String failure : List.of("dropped", "slowConsumers", "eventFailures")) {
      assertThat(tiles.get(failure).attrs()).as(failure).containsEntry("data-grew", "false");
    }
  }

  /** The number of a rate tile ("12.5 /s"). */
  private static double rate(Dom.Tile tile) {
    assertThat(tile.value()).as(tile.attrs().get("data-realtime")).endsWith(" /s");
    return Double.parseDouble(tile.value().substring(0, tile.value().length() - 3));
  }

  private static String daysLeft(Instant notAfter, Instant at) {
    return Math.floorDiv(notAfter.toEpochMilli() - at.toEpochMilli(), 86_400_000L) + " d";
  }

  /** The CN of an RFC 2253 name, read by the JDK (the page has its own reader). */
  private static String commonName(String name) throws Exception {
    for (Rdn rdn : new LdapName(name).getRdns()) {
      if (rdn.getType().equalsIgnoreCase("CN")) {
        return rdn.getValue().toString();
      }
    }
    throw new AssertionError("no CN in " + name);
  }

  /**
   * The page ran under the edge's {@code Content-Security-Policy: default-src 'self'} without a
   * violation (no inline script or style, nothing from elsewhere) and threw nothing.
   */
  static void assertCleanConsole(HeadlessChromium.Loaded loaded) {
    assertThat(loaded.console())
        .as("console messages")
        .noneMatch(line -> line.contains("Content Security Policy"))
        .noneMatch(line -> line.contains("Uncaught"))
        .noneMatch(line -> line.contains("Failed to load resource"));
  }

  /**
   * Just enough of the serialized DOM Chromium dumps: the start tags in document order with their
   * attributes (the page's test hooks are attributes), and the text of an element by id.
   */
  static final class Dom {

    private static final Pattern START_TAG =
        Pattern.compile("<([a-zA-Z][a-zA-Z0-9-]*)((?:\\s+[^\\s=>/]+(?:=\"[^\"]*\")?)*)\\s*/?>");
    private static final Pattern ATTR = Pattern.compile("([^\\s=>/]+)(?:=\"([^\"]*)\")?");
    private static final Pattern ROW = Pattern.compile("<tr\\b([^>]*)>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<td\\b[^>]*>(.*?)</td>", Pattern.DOTALL);
    private static final Pattern TILE =
        Pattern.compile("<span\\b([^>]*)>([^<]*)<b>([^<]*)</b></span>");

    /** One start tag; attribute values are still HTML-escaped. */
    record Tag(String name, Map<String, String> attrs) {}

    final String html;
    final List<Tag> tags = new ArrayList<>();

    private Dom(String html) {
      this.html = html;
      Matcher tag = START_TAG.matcher(html);
      while (tag.find()) {
        Map<String, String> attrs = new LinkedHashMap<>();
        Matcher attr = ATTR.matcher(tag.group(2));
        while (attr.find()) {
          attrs.put(attr.group(1), attr.group(2) == null ? "" : attr.group(2));
        }
        tags.add(new Tag(tag.group(1).toLowerCase(java.util.Locale.ROOT), attrs));
      }
    }

    static Dom parse(String html) {
      assertThat(html).as("Chromium dumped a DOM").contains("<body");
      return new Dom(html);
    }

    Tag byId(String id) {
      return tags.stream()
          .filter(t -> id.equals(t.attrs().get("id")))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no element with id " + id + " in " + html));
    }

    Tag byTag(String name) {
      return tags.stream()
          .filter(t -> t.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no <" + name + "> in " + html));
    }

    List<Tag> all(String name, String attribute) {
      return tags.stream()
          .filter(t -> t.name().equals(name) && t.attrs().containsKey(attribute))
          .toList();
    }

    /** A table row: its attributes and the text of each of its cells. */
    record Row(Map<String, String> attrs, List<String> cells) {}

    /** The rows that have {@code attribute}, cells as text (tags dropped, entities decoded). */
    List<Row> rows(String attribute) {
      List<Row> rows = new ArrayList<>();
      Matcher row = ROW.matcher(html);
      while (row.find()) {
        Map<String, String> attrs = new LinkedHashMap<>();
        Matcher attr = ATTR.matcher(row.group(1));
        while (attr.find()) {
          attrs.put(attr.group(1), attr.group(2) == null ? "" : attr.group(2));
        }
        if (attrs.containsKey(attribute)) {
          List<String> cells = new ArrayList<>();
          Matcher cell = CELL.matcher(row.group(2));
          while (cell.find()) {
            cells.add(text(cell.group(1)));
          }
          rows.add(new Row(attrs, cells));
        }
      }
      return rows;
    }

    /** A tile ({@code label <b>value</b>}): its attributes, its label and its value, as text. */
    record Tile(Map<String, String> attrs, String label, String value) {
      String text() {
        return label + value;
      }
    }

    /** The tiles that have {@code attribute}, by its value, in document order. */
    Map<String, Tile> tiles(String attribute) {
      Map<String, Tile> tiles = new LinkedHashMap<>();
      Matcher tile = TILE.matcher(html);
      while (tile.find()) {
        Map<String, String> attrs = new LinkedHashMap<>();
        Matcher attr = ATTR.matcher(tile.group(1));
        while (attr.find()) {
          attrs.put(attr.group(1), attr.group(2) == null ? "" : attr.group(2));
        }
        if (attrs.containsKey(attribute)) {
          tiles.put(
              attrs.get(attribute), new Tile(attrs, text(tile.group(2)), text(tile.group(3))));
        }
      }
      return tiles;
    }

    private static String text(String html) {
      return html.replaceAll("<[^>]*>", "")
          .replace("&nbsp;", "\u00a0")
          .replace("&lt;", "<")
          .replace("&gt;", ">")
          .replace("&quot;", "\"")
          .replace("&amp;", "&");
    }

    /** The text inside the element with {@code id} (which must hold no child elements). */
    String textOf(String id) {
      Matcher text =
          Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(html);
      return text.find() ? text.group(1) : "";
    }
  }
}
