package dev.edge.tls;

import dev.edge.edgefile.EdgeConfig;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Which plain-HTTP requests are sent to HTTPS: those for a host with a configured or ACME
 * certificate (a host with only the dev certificate answers on both listeners, so {@code curl
 * localhost:8080} keeps working). The answer is {@code 308} to {@code
 * https://host[:port]/path?query}, the port left out when it is 443. The request planner leaves
 * built-in endpoints and ACME's {@code /.well-known/acme-challenge/} alone, and so does a site with
 * {@code tls: {redirectHttp: false}}.
 */
public final class HttpsRedirects {

  /** Requests under this path are never redirected (ACME's HTTP-01 challenges). */
  public static final String CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

  private final TlsCertificates certificates;
  private final IntSupplier httpsPort;
  private volatile Set<String> kept = Set.of();

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
  /**
   * Takes the hosts of sites with {@code tls: {redirectHttp: false}} from {@code config} (at start
   * and on every reload): they keep answering over HTTP.
   */
  public void configure(EdgeConfig config) {
    Set<String> hosts = new HashSet<>();
    for (EdgeConfig.Site site : config.sites().values()) {
      if (!site.tls().redirectHttp()) {
        hosts.addAll(site.hosts());
      }
    }
    kept = Set.copyOf(hosts);
  }

  private boolean keptOnHttp(String host) {
    Set<String> hosts = kept;
    if (hosts.isEmpty()) {
      return false;
    }
    int dot = host.indexOf('.');
    return hosts.contains(host)
        || hosts.contains("*")
        || (dot > 0 && hosts.contains("*" + host.substring(dot)));
  }

  public String location(String host, String rawPath, String query) {
    if (host == null || rawPath.startsWith(CHALLENGE_PREFIX)) {
      return null;
    }
    if (certificates.trusted(host) == null || keptOnHttp(host)) {
      return null;
    }
    int port = httpsPort.getAsInt();
    return "https://" + host + (port == 443 ? "" : ":" + port) + rawPath + query;
  }
}
