package dev.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.tls.ServedCertificate.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateTableTest {

  @TempDir static Path dir;
  private static TestCertificates ca;

  @BeforeAll
  static void ca() throws Exception {
    ca = new TestCertificates();
  }

  private static ServedCertificate served(Source source, String... names) throws Exception {
    Path cert = Files.createTempFile(dir, "cert", ".pem");
    Path key = Files.createTempFile(dir, "key", ".pem");
    ca.issue(cert, key, 7, names);
    return ServedCertificate.of(source, PemFiles.readChain(cert), PemFiles.readKey(key));
  }

  @Test
  void exactNameThenOneLabelWildcardThenTheDefault() throws Exception {
    ServedCertificate exact = served(Source.CONFIGURED, "a.example.com");
    ServedCertificate wildcard = served(Source.CONFIGURED, "*.example.com");
    ServedCertificate fallback = served(Source.DEV, "localhost");
    CertificateTable table = CertificateTable.of(List.of(wildcard, exact, fallback), fallback);

    assertThat(table.find("a.example.com")).isSameAs(exact);
    assertThat(table.find("A.Example.COM.")).isSameAs(exact);
    assertThat(table.find("b.example.com")).isSameAs(wildcard);
    assertThat(table.find("x.b.example.com")).as("one label only").isSameAs(fallback);
    assertThat(table.find("example.com")).as("the wildcard is not the apex").isSameAs(fallback);
    assertThat(table.find(null)).as("no SNI").isSameAs(fallback);
    assertThat(table.named("x.b.example.com")).isNull();
    assertThat(table.find("localhost")).isSameAs(fallback);
  }

  @Test
  void aHigherPrioritySourceWinsANameWhateverTheOrder() throws Exception {
    ServedCertificate dev = served(Source.DEV, "localhost", "app.test");
    ServedCertificate configured = served(Source.CONFIGURED, "app.test");
    CertificateTable table = CertificateTable.of(List.of(dev, configured), dev);

    assertThat(table.find("app.test")).isSameAs(configured);
    assertThat(table.find("localhost")).isSameAs(dev);
    assertThat(table.certificates()).containsExactlyInAnyOrder(dev, configured);
    assertThat(table.byAlias(configured.alias())).isSameAs(configured);
  }
}
