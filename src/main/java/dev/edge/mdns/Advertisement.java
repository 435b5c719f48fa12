package dev.edge.mdns;

/**
 * One {@code .local} host the edge advertises: an A record for {@link #host()} and one DNS-SD
 * service of {@link #serviceType()} whose instance name is the host's label, pointing at {@link
 * #port()}, with TXT {@code path=<path>}.
 *
 * @param host the host, lower case, one label before {@code .local} ({@code myapp.local})
 * @param https whether the service is {@code _https._tcp} (the HTTPS listener is on) rather than
 *     {@code _http._tcp}
 * @param port the listener's port
 * @param path where a browser should open the host: {@code /}, or {@code /_edge/} for {@code
 *     edge.local} when no site serves that host
 */
public record Advertisement(String host, boolean https, int port, String path) {

  /** The suffix every advertised host ends with. */
  static final String LOCAL = ".local";

  /** The host without {@code .local}: the jmdns host name and the service instance name. */
  public String label() {
    return host.substring(0, host.length() - LOCAL.length());
  }

  /** The fully qualified DNS-SD service type. */
  public String serviceType() {
    return https ? "_https._tcp.local." : "_http._tcp.local.";
  }

  /** The URL a browser opens; the port is left out when it is the scheme's default. */
  public String url() {
    String scheme = https ? "https" : "http";
    boolean defaultPort = https ? port == 443 : port == 80;
    return scheme + "://" + host + (defaultPort ? "" : ":" + port) + path;
  }
}
