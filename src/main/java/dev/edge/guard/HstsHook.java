package dev.edge.guard;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Adds {@code Strict-Transport-Security: max-age=31536000; includeSubDomains} to a response sent
 * over HTTPS when enabled ({@link GuardLimits#hsts()}), unless the response already has one (an app
 * may choose its own policy). Never on plain HTTP, where the header means nothing (RFC 6797 §7.2).
 */
final class HstsHook {

  /** The header's name. */
  static final AsciiString NAME = AsciiString.cached("strict-transport-security");

  /** The value added: one year, subdomains included, no preload. */
  static final String VALUE = "max-age=31536000; includeSubDomains";

  private final boolean enabled;

  HstsHook(boolean enabled) {
    this.enabled = enabled;
  }

  /** Applies the policy to the headers of a response going out on a connection. */
  void apply(HttpHeaders headers, boolean secure) {
    if (enabled && secure && !headers.contains(NAME)) {
      headers.set(NAME, VALUE);
    }
  }
}
