package dev.edge.edgefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgefileCheckTest {

  private static final String VALID =
      """
      version: 1
      apps:
        api:
          jar: api.jar
      sites:
        web:
          hosts: [example.com, www.example.com]
          routes:
            - path: /api/*
              app: api
            - path: /*
              static: public
      """;

  private static final String INVALID =
      """
      version: 1
      sites:
        web:
          hosts: [example.com]
          routes:
            - path: /*
              app: apj
              proxy: htp://x
      """;

  @TempDir Path cwd;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return EdgefileCheck.run(
        List.of(args),
        cwd,
        EdgefileGoldenTest.DEFAULTS,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private List<String> out() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private List<String> err() {
    return err.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void aValidEdgefilePrintsOneSummaryLineAndExitsZero() throws IOException {
    Files.writeString(cwd.resolve("Edgefile"), VALID);
    String version =
        EdgefileReader.read(cwd.resolve("Edgefile"), EdgefileGoldenTest.DEFAULTS).version();

    assertThat(run()).isEqualTo(0);
    assertThat(out())
        .containsExactly("Edgefile OK (version " + version + "): 1 app, 1 site, 2 hosts, 2 routes");
    assertThat(err()).isEmpty();
  }

  @Test
  void countsArePlural() throws IOException {
    Files.writeString(
        cwd.resolve("Edgefile"),
        """
        version: 1
        apps:
          api: {jar: api.jar}
          demo: {builtin: demo}
        sites:
          web:
            hosts: [example.com, www.example.com]
            routes:
              - {path: /api/*, app: api}
              - {path: /*, app: demo}
          other:
            hosts: ["*"]
            routes:
              - {path: /*, app: demo}
        """);

    assertThat(run()).isEqualTo(0);
    assertThat(out()).singleElement().asString().endsWith("): 2 apps, 2 sites, 3 hosts, 3 routes");
  }

  @Test
  void problemsGoToStderrOnePerLineWithACountAndExitOne() throws IOException {
    Files.writeString(cwd.resolve("Edgefile"), INVALID);

    assertThat(run()).isEqualTo(1);
    assertThat(out()).isEmpty();
    assertThat(err())
        .containsExactly(
            "Edgefile:7:14: sites.web.routes[0].app: value \"apj\" (expected: the id of an app"
                + " defined under apps:) \u2014 no apps are defined; add it under apps:",
            "Edgefile:8:9: sites.web.routes[0].proxy: two actions: \"app\" (line 7) and \"proxy\""
                + " \u2014 keep one: a route has exactly one of app, proxy, static, redirect",
            "2 problems in Edgefile");
  }

  @Test
  void findsConfigEdgefileAndNamesItAsFound() throws IOException {
    Files.createDirectories(cwd.resolve("config"));
    Files.writeString(cwd.resolve("config/Edgefile"), INVALID.replace("proxy: htp://x", ""));

    assertThat(run()).isEqualTo(1);
    assertThat(err()).hasSize(2);
    assertThat(err().get(0)).startsWith("config/Edgefile:7:14: sites.web.routes[0].app: ");
    assertThat(err().get(1)).isEqualTo("1 problem in config/Edgefile");
  }

  @Test
  void anExplicitPathIsNamedAsGivenAndALeadingCheckIsSkipped() throws IOException {
    Files.createDirectories(cwd.resolve("deploy"));
    Files.writeString(cwd.resolve("deploy/prod.yaml"), VALID);

    assertThat(run("check", "deploy/prod.yaml")).isEqualTo(0);
    assertThat(out()).singleElement().asString().startsWith("deploy/prod.yaml OK (version ");
  }

  @Test
  void tlsSectionsAreCheckedWithTheirFilesAgainstTheEdgefilesDirectory() throws IOException {
    Files.createDirectories(cwd.resolve("deploy/certs"));
    Files.writeString(cwd.resolve("deploy/certs/web.pem"), "certificate");
    Files.writeString(cwd.resolve("deploy/certs/web-key.pem"), "key");
    String text =
        """
        version: 1
        tls: {email: ops@example.com, staging: true}
        sites:
          web:
            hosts: [example.com]
            tls: {cert: certs/web.pem, key: certs/web-key.pem, redirectHttp: false}
            routes: [{path: /*, redirect: /x}]
        """;
    Files.writeString(cwd.resolve("deploy/Edgefile"), text);

    assertThat(run("deploy/Edgefile")).isEqualTo(0);
    assertThat(out()).singleElement().asString().endsWith("): 0 apps, 1 site, 1 host, 1 route");

    Files.writeString(cwd.resolve("Edgefile"), text);
    assertThat(run()).isEqualTo(1);
    assertThat(err())
        .containsExactly(
            "Edgefile:6:17: sites.web.tls.cert: value \"certs/web.pem\" (expected: a readable PEM"
                + " certificate file, relative to the Edgefile's directory) \u2014 there is no"
                + " file at "
                + cwd.resolve("certs/web.pem"),
            "Edgefile:6:37: sites.web.tls.key: value \"certs/web-key.pem\" (expected: a readable"
                + " PEM private key file, relative to the Edgefile's directory) \u2014 there is no"
                + " file at "
                + cwd.resolve("certs/web-key.pem"),
            "2 problems in Edgefile");
  }

  @Test
  void acmeOnAWildcardSiteIsAProblemOfCheck() throws IOException {
    Files.writeString(
        cwd.resolve("Edgefile"),
        """
        version: 1
        sites:
          web:
            hosts: ["*.example.com"]
            tls: {acme: true}
            routes: [{path: /*, redirect: /x}]
        """);

    assertThat(run()).isEqualTo(1);
    assertThat(err())
        .containsExactly(
            "Edgefile:5:17: sites.web.tls.acme: host \"*.example.com\" is a wildcard: wildcard"
                + " certificates need the DNS-01 challenge, which the edge does not do \u2014 list"
                + " the exact names, or serve a certificate of your own for this site with cert"
                + " and key instead",
            "1 problem in Edgefile");
  }

  @Test
  void noEdgefileExitsTwo() {
    assertThat(run()).isEqualTo(2);
    assertThat(out()).isEmpty();
    assertThat(err())
        .containsExactly(
            "edge: no Edgefile found: looked for ./Edgefile and ./config/Edgefile"
                + " (or give its path: edge check PATH)");
  }

  @Test
  void aMissingExplicitPathExitsTwo() throws IOException {
    Files.writeString(cwd.resolve("Edgefile"), VALID);

    assertThat(run("missing.yaml")).isEqualTo(2);
    assertThat(err()).containsExactly("edge: no Edgefile at missing.yaml");
  }

  @Test
  void unexpectedArgumentsExitTwo() {
    assertThat(run("a.yaml", "b.yaml")).isEqualTo(2);
    assertThat(err()).containsExactly("edge: a.yaml b.yaml: unexpected (usage: edge check [PATH])");
  }

  @Test
  void helpPrintsUsage() {
    assertThat(run("check", "--help")).isEqualTo(0);
    assertThat(out()).containsExactly("usage: edge check [PATH]");
  }
}
