package dev.edge.tls;

import dev.edge.tls.ServedCertificate.Source;
import io.netty.handler.ssl.SslContext;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.netty.NettyPipeline;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

/**
 * What turns the edge's HTTP server into its HTTPS listener: TLS from {@link TlsContexts} with
 * certificates chosen per handshake by {@link TlsCertificates}, HTTP/1.1 or HTTP/2 chosen by ALPN,
 * and HTTP/2's own limits. Everything else (guard, lanes, request path) is the HTTP listener's, so
 * both listeners answer alike.
 *
 * <p>HTTP/2 limits: at most {@link #MAX_CONCURRENT_STREAMS} streams at once per connection; a
 * header list no larger than the guard's {@code --max-header-bytes}; Netty's codec resets streams
 * with malformed, duplicated or misplaced pseudo-headers, upper-case names, connection-specific
 * headers or more DATA than their {@code content-length}, and closes a connection that resets more
 * than 200 streams in 30 s (its defence against rapid reset, CVE-2023-44487). See {@code Http2IT}.
 */
public final class HttpsListener {

  /** Streams one HTTP/2 connection may have open at once (nginx: 128). */
  public static final int MAX_CONCURRENT_STREAMS = 128;

  private static final String FAILURES = "edge.tls.failures";

  /** How long a client has to complete the TLS handshake. */
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  private final TlsCertificates certificates;
  private final SslContext context;
  private final long maxHeaderListSize;
  private final HandshakeFailures failures;

  /**
   * @param maxHeaderBytes the guard's limit on a request's headers, applied to HTTP/2 header lists
   * @param failures where failed handshakes are counted
   */
  public HttpsListener(
      TlsCertificates certificates, int maxHeaderBytes, HandshakeFailures failures) {
    this.certificates = certificates;
    this.failures = failures;
    this.context = TlsContexts.server(certificates.keys());
    this.maxHeaderListSize = maxHeaderBytes;
  }

  /** {@code server} with TLS, ALPN and the HTTP/2 settings. */
  public HttpServer secure(HttpServer server) {
    return server
        .secure(spec -> spec.sslContext(context).handshakeTimeout(HANDSHAKE_TIMEOUT))
        .doOnChannelInit(
            (observer, channel, remote) -> {
              if (channel.pipeline().get(NettyPipeline.SslHandler) != null) {
                channel.pipeline().addAfter(NettyPipeline.SslHandler, FAILURES, failures.handler());
              }
            })
        .protocol(HttpProtocol.HTTP11, HttpProtocol.H2)
        .http2Settings(
            h2 ->
                h2.maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                    .maxHeaderListSize(maxHeaderListSize));
  }

  /**
   * Prints one start-up line per HTTPS URL: {@code host} (as the HTTP line names it) and every name
   * a configured certificate covers, each with the certificate it is served with; and, when this
   * run created the dev CA, where it is and its fingerprint, so users can trust it.
   */
  public void printUrls(PrintStream console, String host, int port) {
    String suffix = port == 443 ? "" : ":" + port;
    Map<String, ServedCertificate> urls = new LinkedHashMap<>();
    urls.put(host, certificates.servedFor(host));
    for (ServedCertificate certificate : certificates.certificates()) {
      if (certificate.source() != Source.DEV) {
        certificate.names().stream()
            .filter(n -> !n.startsWith("*."))
            .forEach(n -> urls.putIfAbsent(n, certificate));
      }
    }
    urls.forEach(
        (name, certificate) ->
            console.println(
                "edge: https://" + name + suffix + "/ (" + describe(certificate) + ")"));
    DevCertificate.Loaded dev = certificates.dev();
    if (dev.caCreated()) {
      console.println(
          "edge: created a development CA "
              + dev.caFile()
              + " (SHA-256 "
              + dev.caFingerprint()
              + "); trust it with: curl --cacert "
              + dev.caFile()
              + " https://"
              + host
              + suffix
              + "/");
    }
  }

  private static String describe(ServedCertificate certificate) {
    if (certificate == null) {
      return "no certificate";
    }
    return switch (certificate.source()) {
      case DEV -> "dev certificate";
      case CONFIGURED -> "configured certificate, until " + certificate.notAfter();
      case ACME ->
          "ACME certificate from " + certificate.issuer() + ", until " + certificate.notAfter();
    };
  }

  /** The names this listener's certificates cover, for diagnostics. */
  public List<ServedCertificate> certificates() {
    return certificates.certificates();
  }
}
