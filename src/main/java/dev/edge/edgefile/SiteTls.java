package dev.edge.edgefile;

/**
 * A site's HTTPS settings from its Edgefile tls: section.
 *
 * @param acme whether the edge obtains certificates for every host of the site from the ACME CA
 * @param cert the site's PEM certificate chain (absolute), or null when not given
 * @param key the private key of {@code cert} (absolute), or null when not given
 * @param redirectHttp whether plain-HTTP requests for the site's hosts get {@code 308} to HTTPS
 */
public record SiteTls(
    boolean acme, java.nio.file.Path cert, java.nio.file.Path key, boolean redirectHttp) {
  public static final SiteTls NONE = new SiteTls(false, null, null, true);
}
