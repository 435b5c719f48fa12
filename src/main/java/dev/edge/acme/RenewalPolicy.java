package dev.edge.acme;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When certificates are renewed and failures retried: at two thirds of a certificate's lifetime (30
 * days before the end of a 90-day certificate), or at the CA's suggestion (ARI) when it gives one;
 * a failure is retried after 1 minute, doubling each time, at most a day. The edge looks again at
 * least once a day, so a changed ARI window is noticed.
 */
final class RenewalPolicy {

  /** The first retry after a failure. */
  static final Duration FIRST_RETRY = Duration.ofMinutes(1);

  /** The longest wait between retries, and between two looks at a certificate. */
  static final Duration LONGEST_WAIT = Duration.ofDays(1);

  private RenewalPolicy() {}

  /** When {@code certificate} should be renewed: the CA's suggestion, else 2/3 of its lifetime. */
  static Instant renewAt(X509Certificate certificate, Optional<Instant> suggested) {
    if (suggested.isPresent()) {
      return suggested.get();
    }
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    return notBefore.plus(Duration.between(notBefore, notAfter).multipliedBy(2).dividedBy(3));
  }

  /** How long to wait after the {@code failures}-th failure in a row (1 = the first). */
  static Duration retryAfter(int failures) {
    int doublings = Math.min(Math.max(failures - 1, 0), 20);
    Duration wait = FIRST_RETRY.multipliedBy(1L << doublings);
    return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
  }

  /** When to look again: at {@code renewAt}, but no later than a day from {@code now}. */
  static Instant nextLook(Instant now, Instant renewAt) {
    Instant latest = now.plus(LONGEST_WAIT);
    return renewAt.isAfter(latest) ? latest : renewAt;
  }
}
