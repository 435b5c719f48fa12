package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.tls.PemFiles;
import dev.edge.tls.TestCertificates;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The HTTPS listener of a real edge: the dev certificate for local names over HTTP/1.1 and HTTP/2,
 * a configured certificate chosen by SNI, HTTP to HTTPS for its hosts, and a renewed certificate
 * swapped in without a restart while an HTTP/2 connection opened before keeps working.
 */
class HttpsIT {

  @TempDir Path dir;

  @Test
  void theDevCertificateServesLocalhostOverHttp11AndHttp2() throws Exception {
    try (EdgeProcess edge = EdgeProcess.startReady(1, "--workers=1")) {
      int https = edge.httpsPort();
      X509Certificate devCa =
          PemFiles.readChain(EdgeProcess.CERT_DIR.resolve("dev").resolve("ca.pem")).get(0);
      String plain = edge.get("/hello").body();

      for (HttpClient.Version version :
          List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
        HttpResponse<String> response =
            client(version, devCa).send(get("https://localhost:" + https + "/hello"), text());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(version);
        assertThat(response.body()).isEqualTo(plain);
      }
      assertThat(edge.get("localhost", "/hello").statusCode())
          .as("a host with only the dev certificate answers over HTTP too")
          .isEqualTo(200);
      assertThat(edge.status().get("ports").get("https").asInt()).isEqualTo(https);
      assertThat(edge.output)
          .anyMatch(
              line -> line.equals("edge: https://127.0.0.1:" + https + "/ (dev certificate)"));

      try (java.net.Socket plainHttp = new java.net.Socket("127.0.0.1", https)) {
        plainHttp.setSoTimeout(10_000);
        plainHttp
            .getOutputStream()
            .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        plainHttp.getInputStream().readAllBytes(); // the edge closes the connection
      }
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (true) {
        JsonNode failures =
            EdgeProcess.JSON.readTree(edge.get("/diagnostics").body()).at("/tls/handshakeFailures");
        if (failures.get("not_tls").asInt() == 1 || System.nanoTime() > deadline) {
          assertThat(failures.get("not_tls").asInt())
              .as("plain HTTP on the HTTPS port is counted: %s", failures)
              .isEqualTo(1);
          assertThat(failures.get("timeout").asInt()).isZero();
          break;
        }
        Thread.sleep(50);
      }
      assertThat(edge.get("/metrics").body())
          .contains("edge_tls_handshake_failures_total{reason=\"not_tls\"} 1.0");
    }
  }

  @Test
  void aConfiguredCertificateIsChosenBySniAndItsHostsAreSentToHttps() throws Exception {
    TestCertificates ca = new TestCertificates();
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    ca.issue(cert, key, 11, "app.test", "localhost");
    try (EdgeProcess edge =
        EdgeProcess.startReady(1, "--workers=1", "--cert=" + cert, "--key=" + key)) {
      int https = edge.httpsPort();
      assertThat(serialBySni(https, "app.test")).isEqualTo(BigInteger.valueOf(11));
      assertThat(issuerBySni(https, "x.localhost")).contains("CN=edge development CA");

      HttpResponse<String> redirected = edge.get("app.test", "/a/b%20c?q=1&r");
      assertThat(redirected.statusCode()).isEqualTo(308);
      assertThat(redirected.headers().firstValue("Location"))
          .hasValue("https://app.test:" + https + "/a/b%20c?q=1&r");
      assertThat(redirected.headers().firstValue("Content-Length")).hasValue("0");
      assertThat(redirected.body()).isEmpty();

      assertThat(edge.get("app.test", "/.well-known/acme-challenge/token1").statusCode())
          .as("ACME's challenge path is answered over HTTP")
          .isEqualTo(404);
      assertThat(edge.get("app.test", "/server").statusCode())
          .as("built-ins are not redirected")
          .isEqualTo(200);
      assertThat(edge.get("shop.localhost", "/hello").statusCode())
          .as("a host with only the dev certificate is not redirected")
          .isEqualTo(200);
      assertThat(edge.output)
          .anyMatch(
              line ->
                  line.startsWith(
                      "edge: https://app.test:" + https + "/ (configured certificate, until "));

      JsonNode certificates =
          EdgeProcess.JSON.readTree(edge.get("/diagnostics").body()).get("tls").get("certificates");
      assertThat(certificates).hasSize(2);
      JsonNode configured = certificates.get(0);
      assertThat(configured.get("source").asString()).isEqualTo("configured");
      assertThat(configured.get("serial").asString()).isEqualTo("b");
      assertThat(configured.get("default").asBoolean()).isTrue();
      assertThat(configured.get("issuer").asString()).isEqualTo("CN=edge test CA");
      assertThat(configured.get("lastError").isNull()).isTrue();
      assertThat(certificates.get(1).get("source").asString()).isEqualTo("dev");
      assertThat(edge.get("/metrics").body())
          .containsPattern(
              "edge_tls_certificate_expiry_seconds\\{domain=\"app\\.test\"\\} [0-9.E]+");
    }
  }

  @Test
  void aRenewedCertificateIsSwappedLiveAndAnOpenHttp2ConnectionKeepsWorking() throws Exception {
    TestCertificates ca = new TestCertificates();
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    ca.issue(cert, key, 1, "localhost");
    try (EdgeProcess edge =
        EdgeProcess.startReady(1, "--workers=1", "--cert=" + cert, "--key=" + key)) {
      URI hello = URI.create("https://localhost:" + edge.httpsPort() + "/hello");
      HttpClient before = client(HttpClient.Version.HTTP_2, ca.ca());
      HttpResponse<String> first = before.send(get(hello.toString()), text());
      assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(serialOf(first)).isEqualTo(BigInteger.ONE);

      ca.issue(cert, key, 2, "localhost");
      edge.awaitLine(
          "cert_loaded source=configured names=[localhost] serial=2", Duration.ofSeconds(20));

      HttpResponse<String> again = before.send(get(hello.toString()), text());
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(serialOf(again))
          .as("the HTTP/2 connection opened before the swap is still the one in use")
          .isEqualTo(BigInteger.ONE);
      HttpResponse<String> fresh =
          client(HttpClient.Version.HTTP_2, ca.ca()).send(get(hello.toString()), text());
      assertThat(fresh.statusCode()).isEqualTo(200);
      assertThat(serialOf(fresh)).isEqualTo(BigInteger.TWO);
    }
  }

  private static HttpRequest get(String uri) {
    return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).build();
  }

  private static HttpResponse.BodyHandler<String> text() {
    return HttpResponse.BodyHandlers.ofString();
  }

  private static BigInteger serialOf(HttpResponse<?> response) throws Exception {
    return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0])
        .getSerialNumber();
  }

  private static HttpClient client(HttpClient.Version version, X509Certificate trusted)
      throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("ca", trusted);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder()
        .version(version)
        .sslContext(context)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static BigInteger serialBySni(int port, String name) throws Exception {
    return peerBySni(port, name).getSerialNumber();
  }

  private static String issuerBySni(int port, String name) throws Exception {
    return peerBySni(port, name).getIssuerX500Principal().getName();
  }

  /** The leaf certificate the edge answers a handshake for {@code name} with (not verified). */
  private static X509Certificate peerBySni(int port, String name) throws Exception {
    try (SSLSocket socket =
        (SSLSocket) TrustAll.context().getSocketFactory().createSocket("127.0.0.1", port)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(name)));
      parameters.setApplicationProtocols(new String[] {"http/1.1"});
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /server HTTP/1.1\r\nHost: " + name + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 200 ");
      return leaf;
    }
  }
}
