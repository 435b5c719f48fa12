package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.tls.PemFiles;
import dev.edge.tls.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real ACME CA for the tests: Debian's {@code pebble} with {@code pebble-challtestsrv} as its DNS
 * (every name resolves to 127.0.0.1 unless a test says otherwise). Its own HTTPS certificate, its
 * config and its ports are made here; it validates HTTP-01 on {@link #httpPort} and TLS-ALPN-01 on
 * {@link #tlsPort}, where the edge under test must listen. It rejects 20 % of nonces ({@code
 * PEBBLE_WFE_NONCEREJECT=20}), never reuses an authorization, and validates without its random
 * delay.
 */
final class Pebble implements AutoCloseable {

  final int httpPort;
  final int tlsPort;
  final Path trust;
  private final int acmePort;
  private final int managementPort;
  private final int dnsManagementPort;
  private final Process dns;
  private final Process pebble;
  private final List<String> output = new ArrayList<>();
  private final HttpClient http;

  Pebble(Path dir) throws Exception {
    httpPort = freePort();
    tlsPort = freePort();
    acmePort = freePort();
    managementPort = freePort();
    dnsManagementPort = freePort();
    int dnsPort = freePort();
    TestCertificates certificates = new TestCertificates();
    certificates.issue(
        dir.resolve("pebble-cert.pem"), dir.resolve("pebble-key.pem"), 1, "localhost");
    trust = dir.resolve("pebble-ca.pem");
    PemFiles.writeChain(trust, List.of(certificates.ca()));
    Path config = dir.resolve("pebble.json");
    Files.writeString(
        config,
        """
        {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
          "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
          "ocspResponderURL": "", "externalAccountBindingRequired": false}}
        """
            .formatted(
                acmePort,
                managementPort,
                dir.resolve("pebble-cert.pem"),
                dir.resolve("pebble-key.pem"),
                httpPort,
                tlsPort));
    dns =
        new ProcessBuilder(
                "pebble-challtestsrv",
                "-dns01",
                "127.0.0.1:" + dnsPort,
                "-http01",
                "",
                "-https01",
                "",
                "-tlsalpn01",
                "",
                "-management",
                "127.0.0.1:" + dnsManagementPort,
                "-defaultIPv4",
                "127.0.0.1",
                "-defaultIPv6",
                "")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("challtestsrv.log").toFile())
            .start();
    ProcessBuilder ca =
        new ProcessBuilder(
                "pebble", "-config", config.toString(), "-dnsserver", "127.0.0.1:" + dnsPort)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("pebble.log").toFile());
    ca.environment().put("PEBBLE_VA_NOSLEEP", "1");
    ca.environment().put("PEBBLE_WFE_NONCEREJECT", "20");
    ca.environment().put("PEBBLE_AUTHZREUSE", "0");
    pebble = ca.start();
    http =
        HttpClient.newBuilder()
            .sslContext(TrustAll.context())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    awaitPort(acmePort);
    awaitPort(dnsManagementPort);
    output.add("pebble log: " + dir.resolve("pebble.log"));
  }

  /** The ACME directory URL. */
  String directory() {
    return "https://localhost:" + acmePort + "/dir";
  }

  /** The root that signs the certificates Pebble issues (new on every Pebble start). */
  X509Certificate issuingRoot() throws Exception {
    HttpResponse<byte[]> root =
        http.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + managementPort + "/roots/0"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(root.statusCode()).isEqualTo(200);
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(root.body()));
  }

  /** From now on {@code host} resolves to {@code address} for Pebble's validation. */
  void resolve(String host, String address) throws Exception {
    dnsCall("/add-a", "{\"host\":\"" + host + "\",\"addresses\":[\"" + address + "\"]}");
  }

  /** {@code host} resolves to the default (127.0.0.1) again. */
  void resolveDefault(String host) throws Exception {
    dnsCall("/clear-a", "{\"host\":\"" + host + "\"}");
  }

  private void dnsCall(String path, String body) throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dnsManagementPort + path))
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as("challtestsrv %s %s", path, body).isEqualTo(200);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void awaitPort(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        assertThat(System.nanoTime()).as("port %d open", port).isLessThan(deadline);
        Thread.sleep(50);
      }
    }
  }

  @Override
  public void close() throws Exception {
    for (Process process : List.of(pebble, dns)) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
