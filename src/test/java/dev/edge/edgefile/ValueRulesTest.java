package dev.edge.edgefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The value rules on their own: suggestions, hosts, URLs, paths, durations, booleans. */
class ValueRulesTest {

  @Test
  void suggestsByCaseThenByEditDistance() {
    List<String> keys = List.of("workers", "maxInflight", "maxQueue");
    assertThat(Suggestions.nearest("WORKERS", keys)).isEqualTo("workers");
    assertThat(Suggestions.nearest("maxQueu", keys)).isEqualTo("maxQueue");
    assertThat(Suggestions.nearest("memory", keys)).isNull();
    assertThat(Suggestions.nearest("a", List.of("jar"))).isNull();
    assertThat(Suggestions.hint("memory", keys))
        .isEqualTo("expected one of: workers, maxInflight, maxQueue");
    assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
  }

  @ParameterizedTest
  @CsvSource({
    "Example.COM, example.com",
    "*.Example.com, *.example.com",
    "*, *",
    "10.0.0.1, 10.0.0.1",
    "[::1], [::1]",
    "[2001:db8::1], [2001:db8::1]",
    "[1:2:3:4:5:6:7:8], [1:2:3:4:5:6:7:8]",
    "[::ffff:10.0.0.1], [::ffff:10.0.0.1]",
    "a-b.c0, a-b.c0"
  })
  void acceptsHostPatterns(String host, String normalized) {
    assertThat(Hosts.normalize(host)).isEqualTo(normalized);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "*.",
        "*.*",
        "a.*",
        "*a.com",
        "a..b",
        "-a.com",
        "a-.com",
        "a_b.com",
        "1.2.3",
        "1.2.3.4.5",
        "01.2.3.4",
        "[1:2:3:4:5:6:7:8:9]",
        "[1::2::3]",
        "[fe80::1%eth0]",
        "::1",
        "example.com:80",
        "*.10.0.0.1",
        "example.com."
      })
  void rejectsOtherHosts(String host) {
    assertThat(Hosts.normalize(host)).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "http://10.0.0.5:8080, http://10.0.0.5:8080",
    "HTTPS://Api.Example.com/, https://api.example.com",
    "http://[::1]:9000, http://[::1]:9000"
  })
  void normalizesUpstreams(String url, String normalized) {
    assertThat(Urls.upstream(url)).isEqualTo(URI.create(normalized));
  }

  @ParameterizedTest
  @CsvSource({
    "htp://x, did you mean \"http://x\"?",
    "htps://x:1, did you mean \"https://x:1\"?",
    "x:8080, did you mean \"http://x:8080\"?",
    "http://x/api, did you mean \"http://x\"? (the request path and query are sent unchanged)"
  })
  void hintsForUpstreams(String url, String hint) {
    assertThat(Urls.upstream(url)).isNull();
    assertThat(Urls.upstreamHint(url)).isEqualTo(hint);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://x{path}{query}", "/new{path}", "http://x:81/a?b=c"})
  void acceptsRedirectTargets(String target) {
    assertThat(Urls.isRedirect(target)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "x", "//x", "ftp://x", "https://x{host}", "https://x/{path", "/a b"})
  void rejectsRedirectTargets(String target) {
    assertThat(Urls.isRedirect(target)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"/, /, false", "/api, /api, false", "/api/*, /api, true", "/*, '', true"})
  void readsPathPatterns(String text, String path, boolean prefix) {
    assertThat(RouteRules.pattern(text)).isEqualTo(new PathPattern(path, prefix));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "api", "/api*", "*", "/a/*/b", "/a?b", "/a#b", "/a b", "/a/../b", "/..", "//"})
  void rejectsOtherPaths(String text) {
    assertThat(RouteRules.pattern(text)).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "1, 1ms",
    "500, 500ms",
    "1500, 1500ms",
    "30000, 30s",
    "90000, 90s",
    "300000, 5m",
    "3600000, 1h"
  })
  void formatsDurationsAsTheShortestExactText(long millis, String text) {
    assertThat(Values.format(Duration.ofMillis(millis))).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({"true, true", "TRUE, true", "'\"true\"', true", "false, false", "False, false"})
  void readsBooleans(String yaml, boolean value) {
    Problems problems = new Problems();
    assertThat(Values.bool(YamlTree.compose(yaml, problems), "x", problems)).isEqualTo(value);
    assertThat(problems.count()).isZero();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "yes | value \"yes\" (expected: true or false) — did you mean \"true\"?",
        "off | value \"off\" (expected: true or false) — did you mean \"false\"?",
        "1 | value \"1\" (expected: true or false) — did you mean \"true\"?",
        "maybe | value \"maybe\" (expected: true or false)",
        "[true] | value \"[true]\" (expected: true or false)"
      })
  void rejectsOtherBooleans(String yaml, String message) {
    Problems problems = new Problems();
    assertThat(Values.bool(YamlTree.compose(yaml, problems), "x", problems)).isNull();
    assertThat(problems.sorted())
        .extracting(p -> p.hint() == null ? p.message() : p.message() + " — " + p.hint())
        .containsExactly(message);
  }

  @Test
  void durationHints() {
    assertThat(Values.durationHint("1.5s"))
        .isEqualTo("whole numbers only: did you mean \"1500ms\"?");
    assertThat(Values.durationHint("30 S")).isEqualTo("did you mean \"30s\"?");
    assertThat(Values.durationHint("2h")).isEqualTo("durations are at least 1ms and at most 1h");
    assertThat(Values.durationHint("10d")).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.1 | it is an IP address",
        "[::1] | it is an IP address",
        "localhost | it is a single-label name",
        "a_b.example.com | the label \"a_b\" has characters other than a-z, 0-9 and \"-\"",
        "-a.example.com | the label \"-a\" starts or ends with \"-\"",
        "a-.example.com | the label \"a-\" starts or ends with \"-\"",
        "a..example.com | it has an empty label",
      })
  void acmeNeedsPublicDnsNames(String host, String why) {
    assertThat(Hosts.notAcmeName(host)).isEqualTo(why);
  }

  @Test
  void acmeNameLengths() {
    String label63 = "a".repeat(63);
    assertThat(Hosts.notAcmeName(label63 + ".example.com")).isNull();
    assertThat(Hosts.notAcmeName("a" + label63 + ".example.com"))
        .isEqualTo("the label \"a" + label63 + "\" is longer than 63 characters");
    String name253 = String.join(".", label63, label63, label63, "a".repeat(61));
    assertThat(name253).hasSize(253);
    assertThat(Hosts.notAcmeName(name253)).isNull();
    assertThat(Hosts.notAcmeName("a" + name253)).isEqualTo("it is longer than 253 characters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "www.shop.example.com", "xn--bcher-kva.example", "a1.b2"})
  void acmeTakesDnsNames(String host) {
    assertThat(Hosts.notAcmeName(host)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://acme-v02.api.letsencrypt.org/directory",
        "https://localhost:14000/dir",
        "HTTPS://ca.example/dir",
        "acme://letsencrypt.org/staging",
        "acme://pebble"
      })
  void acceptsAcmeDirectories(String text) {
    assertThat(Urls.acmeDirectory(text)).isEqualTo(URI.create(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://ca.example/dir",
        "ftp://ca.example/dir",
        "https:///dir",
        "https://user@ca.example/dir",
        "https://ca.example/dir#x",
        "acme:letsencrypt",
        "ca.example/dir",
        "",
        "https://ca example/dir"
      })
  void rejectsOtherAcmeDirectories(String text) {
    assertThat(Urls.acmeDirectory(text)).isNull();
  }
}
