package dev.edge.tls;

import java.util.function.IntSupplier;

/**
 * Which plain-HTTP requests are sent to HTTPS: those for a host with a configured or ACME
 * certificate (a host with only the dev certificate answers on both listeners, so {@code curl
 * localhost:8080} keeps working). The answer is {@code 308} to {@code
 * https://host[:port]/path?query}, the port left out when it is 443. The request planner leaves
 * built-in endpoints and ACME's {@code /.well-known/acme-challenge/} alone.
 */
public final class HttpsRedirects {

  /** Requests under this path are never redirected (ACME's HTTP-01 challenges). */
  public static final String CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

  private final TlsCertificates certificates;
  private final IntSupplier httpsPort;

  /**
   * @param httpsPort the HTTPS listener's port (known once it is bound)
   */
  public HttpsRedirects(TlsCertificates certificates, IntSupplier httpsPort) {
    this.certificates = certificates;
    this.httpsPort = httpsPort;
  }

  /**
   * Where a plain-HTTP request for {@code host} (normalized: lower case, no port) and {@code
   * rawPath}/{@code query} goes instead, or null when it is answered over HTTP.
   *
   * @param query the query with its leading {@code ?}, or empty
   */
  public String location(String host, String rawPath, String query) {
    if (host == null || rawPath.startsWith(CHALLENGE_PREFIX)) {
      return null;
    }
    if (certificates.trusted(host) == null) {
      return null;
    }
    int port = httpsPort.getAsInt();
    return "https://" + host + (port == 443 ? "" : ":" + port) + rawPath + query;
  }
}
