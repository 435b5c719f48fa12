package dev.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsOptionsTest {

  private static EdgeOptions parse(Map<String, String> values) {
    return new OptionsParser(values::get, List.of()).parse();
  }

  @Test
  void acmeIsOffByDefaultAndTriesHttp01ThenTlsAlpn01() {
    Acme acme = parse(Map.of()).https().acme();
    assertThat(acme)
        .isEqualTo(
            new Acme(
                false, List.of(), null, null, null, null, List.of(Acme.HTTP_01, Acme.TLS_ALPN_01)));
    assertThat(parse(Map.of()).httpEnabled()).isTrue();
  }

  @Test
  void readsEveryAcmeOption(@TempDir Path dir) throws Exception {
    Path trust = Files.writeString(dir.resolve("ca.pem"), "roots");
    EdgeOptions options =
        parse(
            Map.of(
                "acme", "",
                "acme-domain", "Example.com, www.example.com,example.com",
                "acme-email", "ops@example.com",
                "acme-directory", "https://ca.internal:14000/dir",
                "acme-trust", trust.toString(),
                "acme-challenges", "tls-alpn-01,http-01",
                "no-http", "true"));
    assertThat(options.httpEnabled()).isFalse();
    assertThat(options.https().acme())
        .isEqualTo(
            new Acme(
                true,
                List.of("example.com", "www.example.com"),
                "ops@example.com",
                URI.create("https://ca.internal:14000/dir"),
                null,
                trust.toAbsolutePath(),
                List.of(Acme.TLS_ALPN_01, Acme.HTTP_01)));
  }

  @Test
  void stagingOnItsOwnTurnsAcmeOn() {
    Acme acme = parse(Map.of("acme-staging", "", "acme-domain", "a.example")).https().acme();
    assertThat(acme.enabled()).isTrue();
    assertThat(acme.staging()).isTrue();
  }

  @Test
  void badValuesAndCombinationsNameTheOption() {
    assertThatThrownBy(() -> parse(Map.of("acme", "", "acme-domain", "*.example.com")))
        .hasMessage(
            "--acme-domain: \"*.example.com\" is not valid (expected: a name without a wildcard"
                + " (wildcard certificates need DNS-01, which the edge does not do))");
    assertThatThrownBy(() -> parse(Map.of("acme", "", "acme-domain", "localhost")))
        .hasMessageStartingWith("--acme-domain: \"localhost\" is not valid");
    assertThatThrownBy(() -> parse(Map.of("acme", "", "acme-domain", "10.0.0.1")))
        .hasMessageStartingWith("--acme-domain: \"10.0.0.1\" is not valid");
    assertThatThrownBy(() -> parse(Map.of("acme-email", "ops at example")))
        .hasMessage("--acme-email: \"ops at example\" is not valid (expected: an e-mail address)");
    assertThatThrownBy(() -> parse(Map.of("acme-directory", "http://ca/dir")))
        .hasMessageStartingWith("--acme-directory: \"http://ca/dir\" is not valid");
    assertThatThrownBy(() -> parse(Map.of("acme-challenges", "dns-01")))
        .hasMessageStartingWith("--acme-challenges: \"dns-01\" is not valid");
    assertThatThrownBy(() -> parse(Map.of("acme-domain", "a.example")))
        .hasMessage(
            "--acme-domain: given without --acme (expected: --acme --acme-domain=a.example)");
    assertThatThrownBy(() -> parse(Map.of("acme", "", "no-https", "")))
        .hasMessageStartingWith("--acme: given with --no-https");
    assertThatThrownBy(() -> parse(Map.of("no-http", "", "no-https", "")))
        .hasMessageStartingWith("--no-http: given with --no-https");
    assertThatThrownBy(() -> parse(Map.of("acme", "", "no-http", "", "acme-challenges", "http-01")))
        .hasMessageStartingWith("--acme-challenges: http-01 only, with --no-http");
  }

  @Test
  void dnsNamesArePublicNames() {
    assertThat(TlsOptions.isDnsName("example.com")).isTrue();
    assertThat(TlsOptions.isDnsName("a-b.example.co.uk")).isTrue();
    assertThat(TlsOptions.isDnsName("example")).isFalse();
    assertThat(TlsOptions.isDnsName("-a.example.com")).isFalse();
    assertThat(TlsOptions.isDnsName("a_b.example.com")).isFalse();
    assertThat(TlsOptions.isDnsName("1.2.3.4")).isFalse();
    assertThat(TlsOptions.isDnsName("a".repeat(64) + ".com")).isFalse();
    assertThat(TlsOptions.isDnsName("example.com.")).isFalse();
  }
}
