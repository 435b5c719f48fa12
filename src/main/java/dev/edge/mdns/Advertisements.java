package dev.edge.mdns;

import dev.edge.edgefile.EdgeConfig;
import dev.edge.observe.DashboardEndpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a config asks to advertise: {@code edge.local} (the dashboard's host) and every exact host
 * of every site that is one label followed by {@code .local}, in declaration order. A {@code
 * .local} host of more labels ({@code a.b.local}) cannot be an mDNS host name here (jmdns publishes
 * one label under {@code .local}) and is listed in {@link #skipped()}; wildcards are never
 * advertised.
 *
 * @param hosts the advertisements, by host, {@code edge.local} first
 * @param skipped {@code .local} hosts of the config that are not advertised
 */
public record Advertisements(Map<String, Advertisement> hosts, List<String> skipped) {

  /** The dashboard's host, always advertised. */
  public static final String EDGE_HOST = "edge.local";

  /** One DNS label: letters, digits and inner hyphens, at most 63 characters. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /** Keeps immutable copies. */
  public Advertisements {
    hosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
    skipped = List.copyOf(skipped);
  }

  /**
   * The advertisements of {@code config}: on the HTTPS port as {@code _https._tcp} when {@code
   * httpsPort} is positive (the HTTPS listener is on), else on {@code httpPort} as {@code
   * _http._tcp}.
   */
  public static Advertisements of(EdgeConfig config, int httpPort, int httpsPort) {
    boolean https = httpsPort > 0;
    int port = https ? httpsPort : httpPort;
    Set<String> siteHosts = new LinkedHashSet<>();
    List<String> skipped = new ArrayList<>();
    for (EdgeConfig.Site site : config.sites().values()) {
      for (String host : site.hosts()) {
        if (host.startsWith("*") || !host.endsWith(Advertisement.LOCAL)) {
          continue;
        }
        String label = host.substring(0, host.length() - Advertisement.LOCAL.length());
        if (LABEL.matcher(label).matches()) {
          siteHosts.add(host);
        } else {
          skipped.add(host);
        }
      }
    }
    Map<String, Advertisement> hosts = new LinkedHashMap<>();
    String dashboard = siteHosts.contains(EDGE_HOST) ? "/" : DashboardEndpoint.PREFIX + "/";
    hosts.put(EDGE_HOST, new Advertisement(EDGE_HOST, https, port, dashboard));
    for (String host : siteHosts) {
      hosts.putIfAbsent(host, new Advertisement(host, https, port, "/"));
    }
    return new Advertisements(hosts, skipped);
  }

  /** Every advertised URL, in order. */
  public List<String> urls() {
    return hosts.values().stream().map(Advertisement::url).toList();
  }
}
