package dev.edge.edgefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tls:} sections: a full example read into {@link SiteTls} and {@link EdgeTls}, and the
 * exact problem of each rule, with real files in a temp directory for the existence checks.
 */
class EdgefileTlsTest {

  private static final String ROUTES = "    routes: [{path: /*, redirect: /x}]\n";

  @TempDir Path tmp;

  private Path dir;
  private Path cert;
  private Path key;
  private Path trust;

  @BeforeEach
  void files() throws IOException {
    dir = tmp.toAbsolutePath().normalize();
    Files.createDirectories(dir.resolve("certs"));
    cert = Files.writeString(dir.resolve("certs/site.pem"), "certificate");
    key = Files.writeString(dir.resolve("certs/site-key.pem"), "key");
    trust = Files.writeString(dir.resolve("ca.pem"), "ca");
  }

  private EdgefileReader.Result read(String text) {
    return EdgefileReader.parse(text, "Edgefile", dir, EdgefileGoldenTest.DEFAULTS);
  }

  private List<String> problems(String text) {
    EdgefileReader.Result result = read(text);
    assertThat(result.config()).isNull();
    return result.problems().stream().map(p -> p.format("Edgefile")).toList();
  }

  /** A file with one site {@code web} with {@code hosts} and {@code tls}. */
  private static String site(String hosts, String tls) {
    return "version: 1\nsites:\n  web:\n    hosts: " + hosts + "\n    tls: " + tls + "\n" + ROUTES;
  }

  /** A file with one plain site and the top-level {@code tls}. */
  private static String edge(String tls) {
    return "version: 1\ntls: " + tls + "\nsites:\n  web:\n    hosts: [a.example.com]\n" + ROUTES;
  }

  @Test
  void aFullExampleReadsIntoTheExactRecords() {
    String text =
        """
        version: 1
        tls:
          email: ops@example.com
          directory: https://acme.example.net/directory
          staging: true
          trust: ca.pem
        sites:
          shop:
            hosts: [shop.example.com, www.shop.example.com]
            tls: {acme: true}
            routes: [{path: /*, redirect: /x}]
          own:
            hosts: ["*.own.example.com", 203.0.113.10, localhost]
            tls:
              cert: certs/site.pem
              key: %s
              redirectHttp: false
            routes: [{path: /*, redirect: /x}]
          empty:
            hosts: [empty.example.com]
            tls:
            routes: [{path: /*, redirect: /x}]
          none:
            hosts: [none.example.com]
            routes: [{path: /*, redirect: /x}]
        """
            .formatted(key);
    EdgefileReader.Result result = read(text);

    assertThat(result.problems()).isEmpty();
    EdgeConfig config = result.config();
    assertThat(config.tls())
        .isEqualTo(
            new EdgeTls(
                "ops@example.com", URI.create("https://acme.example.net/directory"), true, trust));
    assertThat(config.sites().get("shop").tls()).isEqualTo(new SiteTls(true, null, null, true));
    assertThat(config.sites().get("own").tls()).isEqualTo(new SiteTls(false, cert, key, false));
    assertThat(config.sites().get("empty").tls()).isEqualTo(SiteTls.NONE);
    assertThat(config.sites().get("none").tls()).isSameAs(SiteTls.NONE);
  }

  @Test
  void withoutTlsSectionsBothAreNone() {
    EdgeConfig config = read(edge("").replace("tls: \n", "")).config();
    assertThat(config.tls()).isSameAs(EdgeTls.NONE);
    assertThat(config.sites().get("web").tls()).isSameAs(SiteTls.NONE);
    assertThat(read(edge("")).config().tls()).isEqualTo(EdgeTls.NONE);
  }

  @Test
  void anAcmeUriAndAnyCaseHttpsAreDirectories() {
    EdgeTls tls = read(edge("{directory: \"acme://letsencrypt.org/staging\"}")).config().tls();
    assertThat(tls)
        .isEqualTo(new EdgeTls(null, URI.create("acme://letsencrypt.org/staging"), null, null));
    assertThat(
            read(edge("{directory: \"HTTPS://ca.example:14000/dir\"}")).config().tls().directory())
        .isEqualTo(URI.create("HTTPS://ca.example:14000/dir"));
  }

  @Test
  void unknownKeysAreProblemsInBothSections() {
    assertThat(problems(site("[a.example.com]", "{acme: true, redirect: false}")))
        .containsExactly(
            "Edgefile:5:23: sites.web.tls.redirect: unknown key \"redirect\""
                + " \u2014 expected one of: acme, cert, key, redirectHttp");
    assertThat(problems(edge("{mail: ops@example.com}")))
        .containsExactly(
            "Edgefile:2:7: tls.mail: unknown key \"mail\" \u2014 did you mean \"email\"?");
  }

  @Test
  void booleansMustBeBooleans() {
    assertThat(problems(site("[a.example.com]", "{acme: 1, redirectHttp: off}")))
        .containsExactly(
            "Edgefile:5:17: sites.web.tls.acme: value \"1\" (expected: true or false)"
                + " \u2014 did you mean \"true\"?",
            "Edgefile:5:34: sites.web.tls.redirectHttp: value \"off\" (expected: true or false)"
                + " \u2014 did you mean \"false\"?");
    assertThat(problems(edge("{staging: [true]}")))
        .containsExactly("Edgefile:2:16: tls.staging: value \"[true]\" (expected: true or false)");
  }

  @Test
  void certWithoutKeyAndKeyWithoutCert() {
    assertThat(problems(site("[a.example.com]", "{cert: certs/site.pem}")))
        .containsExactly(
            "Edgefile:5:11: sites.web.tls.key: missing"
                + " \u2014 \"cert\" needs its private key, e.g. key: certs/example.com.key");
    assertThat(problems(site("[a.example.com]", "{key: certs/site-key.pem}")))
        .containsExactly(
            "Edgefile:5:11: sites.web.tls.cert: missing"
                + " \u2014 \"key\" needs its certificate, e.g. cert: certs/example.com.pem");
  }

  @Test
  void certAndKeyMustBeReadableRegularFiles() {
    assertThat(problems(site("[a.example.com]", "{cert: certs/nope.pem, key: certs}")))
        .containsExactly(
            "Edgefile:5:17: sites.web.tls.cert: value \"certs/nope.pem\" (expected: a readable"
                + " PEM certificate file, relative to the Edgefile's directory)"
                + " \u2014 there is no file at "
                + dir.resolve("certs/nope.pem"),
            "Edgefile:5:38: sites.web.tls.key: value \"certs\" (expected: a readable PEM private"
                + " key file, relative to the Edgefile's directory) \u2014 "
                + dir.resolve("certs")
                + " is not a regular file");
    assertThat(problems(site("[a.example.com]", "{cert: \"\", key: certs/site-key.pem}")))
        .containsExactly(
            "Edgefile:5:17: sites.web.tls.cert: value \"\" (expected: a readable PEM certificate"
                + " file, relative to the Edgefile's directory)");
  }

  @Test
  void acmeWithCertOrKeyIsOneProblem() {
    assertThat(
            problems(
                site(
                    "[a.example.com]",
                    "{acme: true, cert: certs/site.pem, key: certs/site-key.pem}")))
        .containsExactly(
            "Edgefile:5:23: sites.web.tls.cert: two certificate sources: \"acme: true\" (line 5)"
                + " and \"cert\" \u2014 keep one: acme: true obtains the site's certificates from"
                + " the ACME CA; cert and key serve your own");
    assertThat(problems(site("[a.example.com]", "{key: certs/site-key.pem, acme: true}")))
        .containsExactly(
            "Edgefile:5:11: sites.web.tls.key: two certificate sources: \"acme: true\" (line 5)"
                + " and \"key\" \u2014 keep one: acme: true obtains the site's certificates from"
                + " the ACME CA; cert and key serve your own");
  }

  @Test
  void acmeRefusesWildcardHosts() {
    String message =
        " is a wildcard: wildcard certificates need the DNS-01 challenge, which the edge does not"
            + " do \u2014 list the exact names, or serve a certificate of your own for this site"
            + " with cert and key instead";
    assertThat(problems(site("[a.example.com, \"*.example.com\", \"*\"]", "{acme: true}")))
        .containsExactly(
            "Edgefile:5:17: sites.web.tls.acme: host \"*.example.com\"" + message,
            "Edgefile:5:17: sites.web.tls.acme: host \"*\"" + message);
  }

  @Test
  void acmeRefusesHostsThatAreNotPublicDnsNames() {
    String hint =
        " \u2014 ACME CAs issue certificates for public DNS names only; serve a certificate of"
            + " your own for this site with cert and key instead";
    assertThat(problems(site("[LOCALHOST, 192.0.2.1, \"[2001:db8::1]\"]", "{acme: true}")))
        .containsExactly(
            "Edgefile:5:17: sites.web.tls.acme: host \"localhost\" cannot get an ACME"
                + " certificate: it is a single-label name"
                + hint,
            "Edgefile:5:17: sites.web.tls.acme: host \"192.0.2.1\" cannot get an ACME"
                + " certificate: it is an IP address"
                + hint,
            "Edgefile:5:17: sites.web.tls.acme: host \"[2001:db8::1]\" cannot get an ACME"
                + " certificate: it is an IP address"
                + hint);
  }

  @Test
  void acmeFalseAcceptsAnyHost() {
    EdgeConfig config = read(site("[\"*\", localhost]", "{acme: false}")).config();
    assertThat(config.sites().get("web").tls()).isEqualTo(SiteTls.NONE);
  }

  @Test
  void hostsWithTheirOwnProblemsAreNotCheckedAgainstAcme() {
    assertThat(problems(site("[\"a.example.com:443\", \"*\"]", "{acme: true}")))
        .containsExactly(
            "Edgefile:4:13: sites.web.hosts[0]: value \"a.example.com:443\" (expected: "
                + Hosts.EXPECTED
                + ") \u2014 sites match the Host without its port: did you mean"
                + " \"a.example.com\"?");
  }

  @Test
  void emailDirectoryAndTrustValues() {
    String email =
        "value \"%s\" (expected: an email address without spaces, e.g. admin@example.com)";
    assertThat(problems(edge("{email: ops}")))
        .containsExactly("Edgefile:2:14: tls.email: " + email.formatted("ops"));
    assertThat(problems(edge("{email: \"o ps@example.com\"}")))
        .containsExactly("Edgefile:2:14: tls.email: " + email.formatted("o ps@example.com"));
    assertThat(problems(edge("{email: ops@localhost}")))
        .containsExactly("Edgefile:2:14: tls.email: " + email.formatted("ops@localhost"));
    assertThat(problems(edge("{email: \"mailto:ops@example.com\"}")))
        .containsExactly(
            "Edgefile:2:14: tls.email: "
                + email.formatted("mailto:ops@example.com")
                + " \u2014 did you mean \"ops@example.com\"?");
    String directory =
        "value \"%s\" (expected: an https:// URL of an ACME directory or an acme:// URI, e.g."
            + " https://acme-v02.api.letsencrypt.org/directory)";
    assertThat(problems(edge("{directory: \"ftp://ca.example/dir\"}")))
        .containsExactly(
            "Edgefile:2:18: tls.directory: " + directory.formatted("ftp://ca.example/dir"));
    assertThat(problems(edge("{directory: \"https:///dir\"}")))
        .containsExactly("Edgefile:2:18: tls.directory: " + directory.formatted("https:///dir"));
    assertThat(problems(edge("{directory: \"http://ca.example/dir\"}")))
        .containsExactly(
            "Edgefile:2:18: tls.directory: "
                + directory.formatted("http://ca.example/dir")
                + " \u2014 ACME directories are served over HTTPS: did you mean"
                + " \"https://ca.example/dir\"?");
    assertThat(problems(edge("{trust: missing.pem}")))
        .containsExactly(
            "Edgefile:2:14: tls.trust: value \"missing.pem\" (expected: a readable file of the CA"
                + " certificates to trust for the ACME directory, relative to the Edgefile's"
                + " directory) \u2014 there is no file at "
                + dir.resolve("missing.pem"));
  }

  @Test
  void notAMappingIsAProblem() {
    assertThat(problems(edge("true")))
        .containsExactly(
            "Edgefile:2:6: tls: value \"true\" (expected: a mapping of ACME settings: email,"
                + " directory, staging, trust)");
    assertThat(problems(site("[a.example.com]", "acme")))
        .containsExactly(
            "Edgefile:5:10: sites.web.tls: value \"acme\" (expected: a mapping with acme, or cert"
                + " and key, and redirectHttp, e.g. {acme: true})");
  }
}
