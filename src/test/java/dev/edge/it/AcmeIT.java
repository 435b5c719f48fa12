package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * ACME end to end against a real Pebble: first issuance over HTTP-01, the certificate served by SNI
 * next to the dev certificate, a live renewal that an open HTTP/2 connection survives, a failed
 * validation that keeps the certificate and backs off, a restart that places no order, and issuance
 * over TLS-ALPN-01 with the HTTP listener off. Pebble rejects a fifth of all nonces throughout, so
 * every issuance here also proves the client retries {@code badNonce}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AcmeIT {

  private static final String DOMAIN = "app.test";
  private static final Pattern SERIAL = Pattern.compile(" serial=([0-9a-f]+)");
  private static final Duration ISSUANCE = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static Pebble pebble;
  private static EdgeProcess edge;
  private static String firstSerial;
  private static String renewedSerial;

  @BeforeAll
  static void startPebble() throws Exception {
    pebble = new Pebble(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (edge != null) {
      edge.close();
    }
    pebble.close();
  }

  private static EdgeProcess startEdge(String certDir, String... more) throws Exception {
    List<String> options =
        new java.util.ArrayList<>(
            List.of(
                "--acme",
                "--acme-email=ops@example.com",
                "--acme-directory=" + pebble.directory(),
                "--acme-trust=" + pebble.trust,
                "--https-port=" + pebble.tlsPort,
                "--cert-dir=" + dir.resolve(certDir),
                "--workers=1"));
    options.addAll(List.of(more));
    return EdgeProcess.start(List.of(), options.toArray(String[]::new));
  }

  @Test
  @Order(1)
  void aFirstCertificateIsObtainedOverHttp01AndServedByName() throws Exception {
    edge = startEdge("certs", "--acme-domain=" + DOMAIN, "--http-port=" + pebble.httpPort);
    String obtained = edge.awaitLine("cert_obtained domain=" + DOMAIN, ISSUANCE);
    firstSerial = serialIn(obtained);
    assertThat(edge.lines("/.well-known/acme-challenge/"))
        .as("Pebble fetched the HTTP-01 token from the edge's HTTP listener")
        .anyMatch(line -> line.contains(" 200 "));

    X509Certificate[] chain = handshake(DOMAIN);
    assertThat(chain[0].getSerialNumber().toString(16)).isEqualTo(firstSerial);
    assertThat(chain[0].getIssuerX500Principal().getName()).contains("Pebble Intermediate CA");
    chain[chain.length - 1].verify(pebble.issuingRoot().getPublicKey());
    assertThat(handshake("other.localhost")[0].getIssuerX500Principal().getName())
        .as("names without an ACME certificate get the dev certificate")
        .contains("edge development CA");

    HttpResponse<String> redirected = edge.get(DOMAIN, "/hello?x=1");
    assertThat(redirected.statusCode()).isEqualTo(308);
    assertThat(redirected.headers().firstValue("Location"))
        .hasValue("https://" + DOMAIN + ":" + pebble.tlsPort + "/hello?x=1");

    JsonNode diagnostics = EdgeProcess.JSON.readTree(edge.get("/diagnostics").body());
    assertThat(diagnostics.at("/metrics/acme/obtained").asInt()).isEqualTo(1);
    assertThat(diagnostics.at("/metrics/acme/failures").asInt()).isZero();
    JsonNode row = acmeRow(diagnostics);
    assertThat(row.get("serial").asString()).isEqualTo(firstSerial);
    assertThat(row.get("lastError").isNull()).isTrue();
    assertThat(Instant.parse(row.get("nextRenewal").asString())).isAfter(Instant.now());
    assertThat(edge.get("/metrics").body())
        .contains("edge_acme_orders_total{result=\"obtained\"} 1.0")
        .contains("edge_acme_orders_total{result=\"failed\"} 0.0");
  }

  @Test
  @Order(2)
  void aRenewalIsSwappedInLiveAndAnOpenHttp2ConnectionKeepsWorking() throws Exception {
    try (RawHttp2 before = new RawHttp2(pebble.tlsPort, DOMAIN)) {
      assertThat(before.peerSerial()).isEqualTo(firstSerial);
      HttpResponse<String> renew = edge.post("/control/certificates/renew");
      assertThat(renew.statusCode()).isEqualTo(202);
      assertThat(renew.body()).isEqualTo("{\"renewing\":[\"" + DOMAIN + "\"]}");
      renewedSerial = serialIn(edge.awaitLine("cert_renewed domain=" + DOMAIN, ISSUANCE));
      assertThat(renewedSerial).isNotEqualTo(firstSerial);
      assertThat(handshake(DOMAIN)[0].getSerialNumber().toString(16)).isEqualTo(renewedSerial);

      before.headers(1, request("/hello"), true);
      List<RawHttp2.Frame> answer = before.untilAnswer(1);
      assertThat(answer.get(answer.size() - 1).type()).isEqualTo(RawHttp2.HEADERS);
      assertThat(answer.get(answer.size() - 1).payload()[0])
          .as(":status 200 (HPACK static index 8)")
          .isEqualTo((byte) 0x88);
      assertThat(before.peerSerial()).isEqualTo(firstSerial);
    }
    assertThat(edge.get("/metrics").body())
        .contains("edge_acme_orders_total{result=\"renewed\"} 1.0");
  }

  @Test
  @Order(3)
  void aFailedValidationKeepsTheCertificateAndBacksOff() throws Exception {
    pebble.resolve(DOMAIN, "127.0.0.2"); // nothing listens there: both challenge types fail
    try {
      Instant asked = null;
      String failed = null;
      for (int attempt = 0; failed == null && attempt < 3; attempt++) {
        asked = Instant.now();
        failed = renewExpectingFailure();
      }
      assertThat(failed).as("a cert_failed line within 3 renewals").isNotNull();
      assertThat(failed).contains("http-01: ").contains("; tls-alpn-01: ").contains(" failures=1 ");
      Matcher next = Pattern.compile(" nextAttempt=(\\S+)").matcher(failed);
      assertThat(next.find()).as(failed).isTrue();
      assertThat(Duration.between(asked, Instant.parse(next.group(1))))
          .isBetween(Duration.ofSeconds(55), Duration.ofSeconds(125));
      assertThat(handshake(DOMAIN)[0].getSerialNumber().toString(16))
          .as("the renewed certificate keeps serving")
          .isEqualTo(renewedSerial);
      JsonNode diagnostics = EdgeProcess.JSON.readTree(edge.get("/diagnostics").body());
      assertThat(diagnostics.at("/metrics/acme/failures").asInt()).isEqualTo(1);
      JsonNode row = acmeRow(diagnostics);
      assertThat(row.get("lastError").asString()).contains("http-01: ");
      assertThat(row.get("nextRenewal").asString()).isEqualTo(next.group(1));
    } finally {
      pebble.resolveDefault(DOMAIN);
    }
  }

  /**
   * Asks for a renewal and waits for its outcome: the {@code cert_failed} line, or null when the
   * renewal succeeded after all. Pebble reuses a valid authorization of the same account 1 time in
   * 100 even with {@code PEBBLE_AUTHZREUSE=0} (its check is {@code rand.Intn(100) > percent}), and
   * a reused authorization needs no validation; the renewed certificate then serves.
   */
  private String renewExpectingFailure() throws Exception {
    int renewed = edge.lines("cert_renewed domain=" + DOMAIN).size();
    assertThat(edge.post("/control/certificates/renew").statusCode()).isEqualTo(202);
    long deadline = System.nanoTime() + ISSUANCE.toNanos();
    while (System.nanoTime() < deadline) {
      List<String> failed = edge.lines("cert_failed source=acme domain=" + DOMAIN);
      if (!failed.isEmpty()) {
        return failed.get(0);
      }
      List<String> now = edge.lines("cert_renewed domain=" + DOMAIN);
      if (now.size() > renewed) {
        renewedSerial = serialIn(now.get(now.size() - 1));
        return null;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("neither cert_failed nor cert_renewed within " + ISSUANCE);
  }

  @Test
  @Order(4)
  void aRestartServesTheStoredCertificateAndPlacesNoOrder() throws Exception {
    edge.close();
    edge = startEdge("certs", "--acme-domain=" + DOMAIN, "--http-port=" + pebble.httpPort);
    String loaded = edge.awaitLine("cert_loaded source=acme", Duration.ofSeconds(30));
    assertThat(serialIn(loaded)).isEqualTo(renewedSerial);
    edge.httpsPort();
    assertThat(handshake(DOMAIN)[0].getSerialNumber().toString(16)).isEqualTo(renewedSerial);
    Thread.sleep(2_000); // time enough for an order to show, were one placed
    assertThat(edge.lines("cert_obtained")).isEmpty();
    assertThat(edge.lines("cert_renewed")).isEmpty();
    assertThat(edge.get("/metrics").body())
        .contains("edge_acme_orders_total{result=\"obtained\"} 0.0")
        .contains("edge_acme_orders_total{result=\"renewed\"} 0.0");
    edge.close();
    edge = null;
  }

  @Test
  @Order(5)
  void aCertificateIsObtainedOverTlsAlpn01WithTheHttpListenerOff() throws Exception {
    if (edge != null) {
      edge.close(); // left running by a failed test above: it holds Pebble's ports
    }
    edge = startEdge("alpn-certs", "--acme-domain=alpn.test", "--no-http");
    String obtained = edge.awaitLine("cert_obtained domain=alpn.test", ISSUANCE);
    assertThat(edge.lines("edge: http://")).isEmpty();
    X509Certificate[] chain = handshake("alpn.test");
    assertThat(chain[0].getSerialNumber().toString(16)).isEqualTo(serialIn(obtained));
    assertThat(chain[0].getIssuerX500Principal().getName()).contains("Pebble Intermediate CA");
    edge.close();
    edge = null;
  }

  @Test
  @Order(6)
  void anEdgefileSiteWithAcmeGetsItsCertificateAndCanStayOnHttp() throws Exception {
    if (edge != null) {
      edge.close();
    }
    Path edgefile = dir.resolve("Edgefile");
    java.nio.file.Files.writeString(
        edgefile,
        """
        version: 1
        edge: {workers: 1}
        tls: {email: ops@example.com, directory: "%s", trust: "%s"}
        apps:
          web: {builtin: demo}
        sites:
          shop:
            hosts: [shop.test]
            tls: {acme: true, redirectHttp: false}
            routes:
              - {path: /*, app: web}
        """
            .formatted(pebble.directory(), pebble.trust));
    edge =
        EdgeProcess.start(
            List.of(),
            "--edgefile=" + edgefile,
            "--http-port=" + pebble.httpPort,
            "--https-port=" + pebble.tlsPort,
            "--cert-dir=" + dir.resolve("edgefile-certs"));
    String obtained = edge.awaitLine("cert_obtained domain=shop.test", ISSUANCE);
    assertThat(handshake("shop.test")[0].getSerialNumber().toString(16))
        .isEqualTo(serialIn(obtained));
    HttpResponse<String> plain = edge.get("shop.test", "/hello");
    assertThat(plain.statusCode()).as("redirectHttp: false keeps HTTP answering").isEqualTo(200);
    edge.close();
    edge = null;
  }

  private static List<String> request(String path) {
    return List.of(":method", "GET", ":scheme", "https", ":authority", DOMAIN, ":path", path);
  }

  private static JsonNode acmeRow(JsonNode diagnostics) {
    for (JsonNode row : diagnostics.at("/tls/certificates")) {
      if (row.get("source").asString().equals("acme")) {
        return row;
      }
    }
    throw new AssertionError("no acme certificate in " + diagnostics.get("tls"));
  }

  private static String serialIn(String line) {
    Matcher matcher = SERIAL.matcher(line);
    assertThat(matcher.find()).as(line).isTrue();
    return matcher.group(1);
  }

  /** The chain the HTTPS listener sends for {@code sni}. */
  private static X509Certificate[] handshake(String sni) throws Exception {
    try (SSLSocket socket =
        (SSLSocket)
            TrustAll.context()
                .getSocketFactory()
                .createSocket(
                    new Socket("127.0.0.1", pebble.tlsPort), "127.0.0.1", pebble.tlsPort, true)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(sni)));
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return (X509Certificate[]) socket.getSession().getPeerCertificates();
    }
  }
}
