package dev.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.observe.EdgeEvents;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.tls.ServedCertificate.Source;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
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
    certificates.start(Set.of());

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
    assertThatThrownBy(() -> certificates.start(Set.of()))
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
    certificates.start(Set.of());
    SniKeyManager keys = certificates.keys();
    String oldAlias = certificates.servedFor("app.test").alias();

    ca.issue(cert, key, 2, "app.test");
    certificates.reload(Set.of(), "test");
    assertThat(certificates.servedFor("app.test").serial()).isEqualTo("2");
    assertThat(keys.getPrivateKey(oldAlias))
        .as("a handshake that chose the old one still finds it")
        .isNotNull();

    Files.writeString(cert, "not a certificate");
    certificates.reload(Set.of(), "test");
    assertThat(certificates.servedFor("app.test").serial()).isEqualTo("2");
    assertThat(events).containsExactly("cert_loaded", "cert_loaded", "cert_loaded", "cert_failed");
  }

  @Test
  void newLocalNamesReissueTheDevCertificateOnReload() throws Exception {
    TlsCertificates certificates = certificates(null, null);
    certificates.start(Set.of());
    assertThat(certificates.servedFor("shop.test").names()).doesNotContain("shop.test");
    certificates.reload(Set.of("shop.test"), "config_reload");
    assertThat(certificates.servedFor("shop.test").names()).contains("shop.test");
    assertThat(certificates.trusted("shop.test")).isNull();
    assertThat(events).containsExactly(Event.CERT_LOADED.id(), Event.CERT_LOADED.id());
  }
}
