package dev.edge.edgefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A site's {@code realtime:} section: a full example read into {@link SiteRealtime}, and the exact
 * problem of each rule.
 */
class EdgefileRealtimeTest {

  private static final String APPS = "apps:\n  chat: {builtin: demo}\n  api: {builtin: demo}\n";
  private static final String ROUTES = "    routes: [{path: /*, app: chat}]\n";

  private static EdgefileReader.Result read(String text) {
    return EdgefileReader.parse(text, "Edgefile", Path.of("."), EdgefileGoldenTest.DEFAULTS);
  }

  private static List<String> problems(String text) {
    EdgefileReader.Result result = read(text);
    assertThat(result.config()).isNull();
    return result.problems().stream().map(p -> p.format("Edgefile")).toList();
  }

  /**
   * A file with the apps {@code chat} and {@code api} and one site {@code web} whose {@code
   * realtime} value (line 8, column 15) is {@code realtime}.
   */
  private static String site(String realtime) {
    return "version: 1\n"
        + APPS
        + "sites:\n  web:\n    hosts: [a.example.com]\n    realtime: "
        + realtime
        + "\n"
        + ROUTES;
  }

  @Test
  void aFullExampleReadsIntoTheExactRecords() {
    String text =
        """
        version: 1
        apps:
          chat: {builtin: demo}
        sites:
          full:
            hosts: [full.example.com]
            realtime:
              path: /live/events
              app: chat
              history: 100
              historyTtl: 5m
            routes: [{path: /*, app: chat}]
          counted:
            hosts: [counted.example.com]
            realtime: {history: "100000"}
            routes: [{path: /*, app: chat}]
          empty:
            hosts: [empty.example.com]
            realtime:
            routes: [{path: /*, app: chat}]
          zero:
            hosts: [zero.example.com]
            realtime: {history: 0}
            routes: [{path: /*, app: chat}]
          none:
            hosts: [none.example.com]
            routes: [{path: /*, app: chat}]
        """;
    EdgefileReader.Result result = read(text);

    assertThat(result.problems()).isEmpty();
    EdgeConfig config = result.config();
    assertThat(config.sites().get("full").realtime())
        .isEqualTo(new SiteRealtime("/live/events", "chat", 100, Duration.ofMinutes(5)));
    assertThat(config.sites().get("counted").realtime())
        .isEqualTo(new SiteRealtime(null, null, 100_000, null));
    assertThat(config.sites().get("empty").realtime()).isSameAs(SiteRealtime.NONE);
    assertThat(config.sites().get("zero").realtime()).isSameAs(SiteRealtime.NONE);
    assertThat(config.sites().get("none").realtime()).isSameAs(SiteRealtime.NONE);
  }

  @Test
  void historyTtlTakesEveryDurationForm() {
    assertThat(read(site("{history: 1, historyTtl: 1h}")).config().sites().get("web").realtime())
        .isEqualTo(new SiteRealtime(null, null, 1, Duration.ofHours(1)));
    assertThat(read(site("{history: 1, historyTtl: 1500}")).config().sites().get("web").realtime())
        .isEqualTo(new SiteRealtime(null, null, 1, Duration.ofMillis(1500)));
  }

  @Test
  void unknownKeysAreProblems() {
    assertThat(problems(site("{history: 5, historyTTL: 5m}")))
        .containsExactly(
            "Edgefile:8:28: sites.web.realtime.historyTTL: unknown key \"historyTTL\""
                + " \u2014 did you mean \"historyTtl\"?");
    assertThat(problems(site("{channels: 5}")))
        .containsExactly(
            "Edgefile:8:16: sites.web.realtime.channels: unknown key \"channels\""
                + " \u2014 expected one of: path, app, history, historyTtl");
  }

  @Test
  void notAMappingIsAProblem() {
    assertThat(problems(site("/realtime")))
        .containsExactly(
            "Edgefile:8:15: sites.web.realtime: value \"/realtime\" (expected: a mapping of path,"
                + " app, history and historyTtl, e.g. {app: chat, history: 100})");
  }

  @Test
  void pathIsOneExactPath() {
    String expected =
        "(expected: an exact path starting with \"/\", e.g. /realtime; not \"/\" alone; no *, ?,"
            + " #, %, spaces, \"//\" or \"..\")";
    assertThat(problems(site("{path: live}")))
        .containsExactly(
            "Edgefile:8:22: sites.web.realtime.path: value \"live\" "
                + expected
                + " \u2014 did you mean \"/live\"?");
    assertThat(problems(site("{path: /live/*}")))
        .containsExactly(
            "Edgefile:8:22: sites.web.realtime.path: value \"/live/*\" "
                + expected
                + " \u2014 the hub takes one exact path: did you mean \"/live\"?");
    assertThat(problems(site("{path: \"/live?v=2\"}")))
        .containsExactly(
            "Edgefile:8:22: sites.web.realtime.path: value \"/live?v=2\" "
                + expected
                + " \u2014 a client's query is passed on to the app with each event; the path"
                + " has none");
    assertThat(problems(site("{path: /li%76e}")))
        .containsExactly(
            "Edgefile:8:22: sites.web.realtime.path: value \"/li%76e\" "
                + expected
                + " \u2014 write the character itself, not its percent-encoding");
    for (String bad : List.of("/", "/*", "/a*b", "/a//b", "/a/../b", "\"/a b\"", "\"\"")) {
      String written = bad.startsWith("\"") ? bad.substring(1, bad.length() - 1) : bad;
      assertThat(problems(site("{path: " + bad + "}")))
          .as(bad)
          .containsExactly(
              "Edgefile:8:22: sites.web.realtime.path: value \"" + written + "\" " + expected);
    }
    assertThat(problems(site("{path: [/a, /b]}")))
        .containsExactly("Edgefile:8:22: sites.web.realtime.path: value \"[/a, /b]\" " + expected);
  }

  @Test
  void appMustBeDefinedUnderApps() {
    String expected = "(expected: the id of an app defined under apps:)";
    assertThat(problems(site("{app: caht}")))
        .containsExactly(
            "Edgefile:8:21: sites.web.realtime.app: value \"caht\" "
                + expected
                + " \u2014 did you mean \"chat\"?");
    assertThat(problems(site("{app: billing}")))
        .containsExactly(
            "Edgefile:8:21: sites.web.realtime.app: value \"billing\" "
                + expected
                + " \u2014 defined apps: chat, api");
    String noApps =
        "version: 1\nsites:\n  web:\n    hosts: [a.example.com]\n    realtime: {app: chat}\n"
            + "    routes: [{path: /*, redirect: /x}]\n";
    assertThat(problems(noApps))
        .containsExactly(
            "Edgefile:5:21: sites.web.realtime.app: value \"chat\" "
                + expected
                + " \u2014 no apps are defined; add it under apps:");
  }

  @Test
  void historyIsAnIntegerFrom0To100000() {
    for (String bad : List.of("-1", "100001", "many", "1.5")) {
      assertThat(problems(site("{history: " + bad + "}")))
          .as(bad)
          .containsExactly(
              "Edgefile:8:25: sites.web.realtime.history: value \""
                  + bad
                  + "\" (expected: an integer 0-100000)");
    }
  }

  @Test
  void historyTtlIsADuration() {
    assertThat(problems(site("{history: 10, historyTtl: \"5 m\"}")))
        .containsExactly(
            "Edgefile:8:41: sites.web.realtime.historyTtl: value \"5 m\" (expected: "
                + Values.DURATION
                + ") \u2014 did you mean \"5m\"?");
    assertThat(problems(site("{history: 10, historyTtl: 2h}")))
        .containsExactly(
            "Edgefile:8:41: sites.web.realtime.historyTtl: value \"2h\" (expected: "
                + Values.DURATION
                + ") \u2014 durations are at least 1ms and at most 1h");
  }

  @Test
  void historyTtlNeedsHistory() {
    String problem =
        ": sites.web.realtime.historyTtl: historyTtl applies only when history keeps messages"
            + " (history is 0) \u2014 set history to the messages to keep per channel, e.g."
            + " history: 100, or remove historyTtl";
    assertThat(problems(site("{historyTtl: 5m}"))).containsExactly("Edgefile:8:16" + problem);
    assertThat(problems(site("{history: 0, historyTtl: 5m}")))
        .containsExactly("Edgefile:8:28" + problem);
  }

  @Test
  void aBadHistoryIsNotAlsoReportedAgainstHistoryTtl() {
    assertThat(problems(site("{history: lots, historyTtl: 5m}")))
        .containsExactly(
            "Edgefile:8:25: sites.web.realtime.history: value \"lots\" (expected: an integer"
                + " 0-100000)");
  }

  @Test
  void everyProblemOfTheSectionIsReportedAtOnce() {
    assertThat(problems(site("{path: rt, app: nope, history: -5, historyTtl: soon}")))
        .containsExactly(
            "Edgefile:8:22: sites.web.realtime.path: value \"rt\" (expected: an exact path"
                + " starting with \"/\", e.g. /realtime; not \"/\" alone; no *, ?, #, %, spaces,"
                + " \"//\" or \"..\") \u2014 did you mean \"/rt\"?",
            "Edgefile:8:31: sites.web.realtime.app: value \"nope\" (expected: the id of an app"
                + " defined under apps:) \u2014 defined apps: chat, api",
            "Edgefile:8:46: sites.web.realtime.history: value \"-5\" (expected: an integer"
                + " 0-100000)",
            "Edgefile:8:62: sites.web.realtime.historyTtl: value \"soon\" (expected: "
                + Values.DURATION
                + ")");
  }
}
