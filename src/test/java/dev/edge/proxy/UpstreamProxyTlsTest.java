package dev.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.edgefile.HeaderRules.Edits;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.Http11SslContextSpec;
import tools.jackson.databind.JsonNode;

/**
 * HTTPS upstreams with the JDK's default trust: here a trust store named by {@code
 * javax.net.ssl.trustStore} that holds a certificate made with keytool for {@code localhost} and
 * {@code edge.test} (no IP address), so hostname verification is visible.
 */
class UpstreamProxyTlsTest {

  private static final String PASSWORD = "changeit";

  @TempDir static Path dir;
  private static Path keyStore;

  private final HttpClient http = HttpClient.newHttpClient();
  private TestUpstream upstream;
  private TestEdge edge;

  @BeforeAll
  static void makeCertificate() throws Exception {
    keyStore = dir.resolve("upstream.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "upstream",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,dns:edge.test",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();
    System.setProperty("javax.net.ssl.trustStore", keyStore.toString());
    System.setProperty("javax.net.ssl.trustStorePassword", PASSWORD);
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
  }

  @AfterAll
  static void forgetTrustStore() {
    System.clearProperty("javax.net.ssl.trustStore");
    System.clearProperty("javax.net.ssl.trustStorePassword");
    System.clearProperty("javax.net.ssl.trustStoreType");
  }

  @BeforeEach
  void start() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD.toCharArray());
    upstream = TestUpstream.startTls("tls", Http11SslContextSpec.forServer(keys));
    edge = new TestEdge();
  }

  @AfterEach
  void stop() {
    edge.close();
    upstream.close();
  }

  @Test
  void httpsUpstreamsAreVerifiedAndGetTheirHostAsSni() throws Exception {
    edge.to(URI.create("https://localhost:" + upstream.port()));

    JsonNode echo = echo(get());

    assertThat(echo.get("sni").asString()).isEqualTo("localhost");
    assertThat(echo.get("uri").asString()).isEqualTo("/tls?q=1");
  }

  @Test
  void aRouteHostIsTheSniAndTheNameTheCertificateIsCheckedAgainst() throws Exception {
    edge.route(
        List.of(URI.create("https://127.0.0.1:" + upstream.port())),
        "edge.test",
        TestEdge.DEFAULT_TIMEOUTS,
        Edits.NONE,
        Edits.NONE);

    JsonNode echo = echo(get());

    assertThat(echo.get("sni").asString()).isEqualTo("edge.test");
    assertThat(UpstreamProxyHttpTest.headers(echo).get("host")).containsExactly("edge.test");
  }

  @Test
  void aCertificateThatDoesNotNameTheUpstreamIs502() throws Exception {
    edge.to(URI.create("https://127.0.0.1:" + upstream.port()));

    HttpResponse<String> response = get();

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(TestUpstream.JSON.readTree(response.body()).get("reason").asString())
        .isEqualTo("upstream_unavailable");
    assertThat(upstream.requests.get()).isZero();
  }

  @Test
  void webSocketsGoToHttpsUpstreamsOverTls() throws Exception {
    edge.to(URI.create("https://localhost:" + upstream.port()));
    CompletableFuture<String> echoed = new CompletableFuture<>();
    WebSocket ws =
        http.newWebSocketBuilder()
            .subprotocols("chat.v2")
            .buildAsync(
                URI.create("ws://127.0.0.1:" + edge.port() + "/ws"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    echoed.complete(data.toString());
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);

    ws.sendText("over tls", true).get(5, TimeUnit.SECONDS);

    assertThat(echoed.get(5, TimeUnit.SECONDS)).isEqualTo("over tls");
    assertThat(ws.getSubprotocol()).isEqualTo("chat.v2");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get() throws Exception {
    return http.send(
        HttpRequest.newBuilder(edge.uri("/tls?q=1")).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode echo(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return TestUpstream.JSON.readTree(response.body());
  }
}
