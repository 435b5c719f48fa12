package dev.edge.edgefile;

/**
 * The edge-wide ACME settings from the Edgefile's top-level tls: section; null fields are not set.
 *
 * @param email the ACME account's contact address
 * @param directory the ACME directory: an {@code https://} URL or an {@code acme://} URI
 * @param staging whether to use the CA's staging directory
 * @param trust a file of CA certificates to trust for the ACME directory (absolute)
 */
public record EdgeTls(
    String email, java.net.URI directory, Boolean staging, java.nio.file.Path trust) {
  public static final EdgeTls NONE = new EdgeTls(null, null, null, null);
}
