package dev.edge.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * ACME as the command line asks for it (see {@code docs/edge/CONTRACTS.md}, "ACME"). Values left
 * unset are null: the Edgefile's edge-wide {@code tls:} section may set them, and the command line
 * wins over it.
 *
 * @param enabled {@code --acme}, or {@code --acme-staging} on its own
 * @param domains {@code --acme-domain}: names to obtain certificates for, lower case
 * @param email {@code --acme-email}: the account's contact, or null
 * @param directory {@code --acme-directory}: the CA's directory URL, or null
 * @param staging {@code --acme-staging}: Let's Encrypt's staging CA, or null when not given
 * @param trust {@code --acme-trust}: extra roots (PEM) for the CA's own HTTPS, or null
 * @param challenges the challenge types to try, in order ({@code --acme-challenges})
 */
public record Acme(
    boolean enabled,
    List<String> domains,
    String email,
    URI directory,
    Boolean staging,
    Path trust,
    List<String> challenges) {

  /** HTTP-01: a token served at {@code /.well-known/acme-challenge/} on the HTTP listener. */
  public static final String HTTP_01 = "http-01";

  /** TLS-ALPN-01: a challenge certificate served to {@code acme-tls/1} handshakes. */
  public static final String TLS_ALPN_01 = "tls-alpn-01";

  /** Let's Encrypt's production CA, the default directory. */
  public static final URI LETS_ENCRYPT = URI.create("acme://letsencrypt.org");

  /** Let's Encrypt's staging CA ({@code --acme-staging}). */
  public static final URI LETS_ENCRYPT_STAGING = URI.create("acme://letsencrypt.org/staging");

  public Acme {
    domains = List.copyOf(domains);
    challenges = List.copyOf(challenges);
  }
}
