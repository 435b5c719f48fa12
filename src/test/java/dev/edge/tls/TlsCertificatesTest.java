package dev.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.edgefile.EdgeConfig;
import dev.edge.edgefile.EdgeTls;
import dev.edge.edgefile.SiteRealtime;
import dev.edge.edgefile.SiteTls;
import dev.edge.observe.EdgeEvents;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.tls.ServedCertificate.Source;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsCertificatesTest {

  @TempDir Path dir;
  private final List<String> events = new CopyOnWriteArrayList<>();

  private TlsCertificates certificates(Path cert, Path key) {
    EdgeEvents edgeEvents = new EdgeEvents(false, new PrintStream(new ByteArrayOutputStream()));
    edgeEvents.subscribe((event, fields) -> events.add(event.id()));
    return new TlsCertificates(dir.resolve("certs"), cert, key, edgeEvents);
  }

  @Test
  void theConfiguredCertificateNamesItsHostsAndIsTheDefault() throws Exception {
    TestCertificates ca = new TestCertificates();
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    ca.issue(cert, key, 1, "app.test", "*.app.test");
    TlsCertificates certificates = certificates(cert, key);
    certificates.start(config());

    assertThat(certificates.servedFor("app.test").serial()).isEqualTo("1");
    assertThat(certificates.servedFor("x.app.test").serial()).isEqualTo("1");
    assertThat(certificates.servedFor("unknown.example").serial()).as("the default").isEqualTo("1");
    assertThat(certificates.servedFor("localhost").source()).isEqualTo(Source.DEV);
    assertThat(certificates.trusted("app.test")).isNotNull();
    assertThat(certificates.trusted("localhost")).as("dev only: no redirect").isNull();
    assertThat(certificates.trusted("unknown.example")).as("default only: no redirect").isNull();
    assertThat(events).containsExactly("cert_loaded", "cert_loaded");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedByName() throws Exception {
    TestCertificates ca = new TestCertificates();
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    ca.issue(cert, key, 1, "app.test");
    ca.issue(dir.resolve("other.pem"), dir.resolve("other-key.pem"), 2, "app.test");

    TlsCertificates certificates = certificates(cert, dir.resolve("other-key.pem"));
    assertThatThrownBy(() -> certificates.start(config()))
        .isInstanceOf(IOException.class)
        .hasMessage(
            dir.resolve("other-key.pem") + " is not the private key of the certificate in " + cert);
  }

  @Test
  void aReloadSwapsANewCertificateInAndABrokenOneKeepsTheOld() throws Exception {
    TestCertificates ca = new TestCertificates();
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    ca.issue(cert, key, 1, "app.test");
    TlsCertificates certificates = certificates(cert, key);
    certificates.start(config());
    SniKeyManager keys = certificates.keys();
    String oldAlias = certificates.servedFor("app.test").alias();

    ca.issue(cert, key, 2, "app.test");
    certificates.reload(config(), "test");
    assertThat(certificates.servedFor("app.test").serial()).isEqualTo("2");
    assertThat(keys.getPrivateKey(oldAlias))
        .as("a handshake that chose the old one still finds it")
        .isNotNull();

    Files.writeString(cert, "not a certificate");
    certificates.reload(config(), "test");
    assertThat(certificates.servedFor("app.test").serial()).isEqualTo("2");
    assertThat(events).containsExactly("cert_loaded", "cert_loaded", "cert_loaded", "cert_failed");
  }

  @Test
  void newLocalNamesReissueTheDevCertificateOnReload() throws Exception {
    TlsCertificates certificates = certificates(null, null);
    certificates.start(config());
    assertThat(certificates.servedFor("shop.test").names()).doesNotContain("shop.test");
    certificates.reload(config("shop.test"), "config_reload");
    assertThat(certificates.servedFor("shop.test").names()).contains("shop.test");
    assertThat(certificates.trusted("shop.test")).isNull();
    assertThat(events).containsExactly(Event.CERT_LOADED.id(), Event.CERT_LOADED.id());
  }

  @Test
  void aSiteCertificateIsServedForTheSiteHostsAndKeptWhenItsFileBreaks() throws Exception {
    Path cert = dir.resolve("site.pem");
    Path key = dir.resolve("site-key.pem");
    TestCertificates ca = new TestCertificates();
    ca.issue(cert, key, 41, "shop.example");
    EdgeConfig withSite =
        new EdgeConfig(
            1,
            Map.of(),
            Map.of(
                "shop",
                new EdgeConfig.Site(
                    "shop",
                    List.of("shop.example", "*.shop.example"),
                    List.of(),
                    new SiteTls(false, cert, key, true),
                    SiteRealtime.NONE)),
            EdgeTls.NONE);
    TlsCertificates certificates =
        new TlsCertificates(
            dir, null, null, new EdgeEvents(false, new PrintStream(new ByteArrayOutputStream())));
    certificates.start(withSite);
    assertThat(certificates.servedFor("shop.example").serial()).isEqualTo("29");
    assertThat(certificates.servedFor("api.shop.example").serial()).isEqualTo("29");
    assertThat(certificates.servedFor("shop.example").source()).isEqualTo(Source.CONFIGURED);
    assertThat(certificates.trusted("shop.example")).isNotNull();
    assertThat(certificates.servedFor("other.localhost").source()).isEqualTo(Source.DEV);

    java.nio.file.Files.writeString(cert, "not a certificate");
    certificates.reload(withSite, "config_reload");
    assertThat(certificates.servedFor("shop.example").serial())
        .as("a broken file keeps the site's certificate")
        .isEqualTo("29");
    assertThat(certificates.describe())
        .anySatisfy(row -> assertThat(String.valueOf(row.get("lastError"))).contains("site.pem"));

    certificates.reload(config(), "config_reload");
    assertThat(certificates.servedFor("shop.example").source())
        .as("a site removed from the Edgefile stops being served")
        .isEqualTo(Source.DEV);
  }

  private static EdgeConfig config(String... hosts) {
    return new EdgeConfig(
        1,
        Map.of(),
        hosts.length == 0
            ? Map.of()
            : Map.of(
                "web",
                new EdgeConfig.Site(
                    "web", List.of(hosts), List.of(), SiteTls.NONE, SiteRealtime.NONE)),
        EdgeTls.NONE);
  }
}
