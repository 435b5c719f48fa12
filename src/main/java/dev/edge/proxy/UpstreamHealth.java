package dev.edge.proxy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-upstream in-flight counts and passive health, shared by every proxy route for the life of the
 * edge process, so they survive config reloads. Upstreams are keyed by their normalized URL ({@code
 * scheme://host:port}, lower case, default port made explicit): two routes naming the same upstream
 * share its counts.
 *
 * <p>Choice ({@link #acquire}): among the candidates of one request not tried yet, the one with the
 * fewest requests in flight that is up (ties: list order). A connect failure or a timeout marks an
 * upstream down for the cool-down; a down upstream is skipped while any other candidate is up. When
 * all are down they are tried anyway, earliest recovery first, so a request never fails without
 * trying. An answer (response headers, or an accepted WebSocket upgrade) clears the failure count
 * and the down mark.
 *
 * <p>Thread-safety: all methods may be called from any thread; counters are atomics, the choice
 * reads them without a lock (two concurrent choices may both see the same least-busy upstream).
 */
public final class UpstreamHealth {

  /** Idle entries are pruned (when a new upstream appears) once there are more than this many. */
  static final int PRUNE_ABOVE = 1024;

  /** An entry unused for this long, with nothing in flight and no failures, may be pruned. */
  static final Duration PRUNE_AFTER = Duration.ofHours(1);

  private final Clock clock;
  private final long coolDownMillis;
  private final Map<String, Upstream> byKey = new ConcurrentHashMap<>();
  private final Map<URI, Upstream> byUri = new ConcurrentHashMap<>();

  /** Creates the tracker; {@code coolDown} is how long a failed upstream is skipped. */
  public UpstreamHealth(Clock clock, Duration coolDown) {
    this.clock = clock;
    this.coolDownMillis = coolDown.toMillis();
  }

  /**
   * Snapshot for /status: per upstream URL, inflight, consecutive failures, down-until (or null).
   */
  public List<UpstreamState> snapshot() {
    long now = clock.millis();
    List<UpstreamState> states = new ArrayList<>();
    for (Upstream upstream : byKey.values()) {
      long downUntil = upstream.downUntil.get();
      states.add(
          new UpstreamState(
              upstream.key,
              upstream.inflight.get(),
              upstream.failures.get(),
              downUntil > now ? Instant.ofEpochMilli(downUntil) : null));
    }
    states.sort(Comparator.comparing(UpstreamState::upstream));
    return states;
  }

  /** The tracked upstream for {@code uri}, created on first use. */
  Upstream upstream(URI uri) {
    Upstream known = byUri.get(uri);
    if (known != null) {
      return known;
    }
    String key = Upstream.key(uri);
    Upstream upstream = byKey.get(key);
    if (upstream == null) {
      prune();
      upstream = byKey.computeIfAbsent(key, k -> new Upstream(uri, clock.millis()));
    }
    byUri.putIfAbsent(uri, upstream);
    return upstream;
  }

  /**
   * Picks the next upstream for a request, marks it (and any duplicate of it) tried and counts it
   * in flight; the caller must {@link Upstream#release()} it. Returns null when every candidate has
   * been tried.
   */
  Upstream acquire(List<Upstream> candidates, boolean[] tried) {
    long now = clock.millis();
    Upstream best = null;
    for (int i = 0; i < candidates.size(); i++) {
      Upstream candidate = candidates.get(i);
      if (!tried[i]
          && candidate.downUntil.get() <= now
          && (best == null || candidate.inflight.get() < best.inflight.get())) {
        best = candidate;
      }
    }
    if (best == null) {
      for (int i = 0; i < candidates.size(); i++) {
        Upstream candidate = candidates.get(i);
        if (!tried[i] && (best == null || candidate.downUntil.get() < best.downUntil.get())) {
          best = candidate;
        }
      }
    }
    if (best == null) {
      return null;
    }
    for (int i = 0; i < candidates.size(); i++) {
      if (candidates.get(i) == best) {
        tried[i] = true;
      }
    }
    best.inflight.incrementAndGet();
    best.lastUsed = now;
    return best;
  }

  /** The upstream answered: it is up and its failure count starts over. */
  void succeeded(Upstream upstream) {
    upstream.failures.set(0);
    upstream.downUntil.set(0);
  }

  /** The upstream failed; a connect failure or a timeout also takes it down for the cool-down. */
  void failed(Upstream upstream, boolean takeDown) {
    upstream.failures.incrementAndGet();
    if (takeDown) {
      upstream.downUntil.set(clock.millis() + coolDownMillis);
    }
  }

  private void prune() {
    if (byKey.size() <= PRUNE_ABOVE) {
      return;
    }
    long cutoff = clock.millis() - PRUNE_AFTER.toMillis();
    byKey
        .values()
        .removeIf(u -> u.inflight.get() == 0 && u.failures.get() == 0 && u.lastUsed < cutoff);
    byUri.values().removeIf(u -> byKey.get(u.key) != u);
  }

  /** One upstream: where it is and what the edge knows about it. */
  static final class Upstream {

    /** {@code scheme://host:port}, the key and the prefix of every request URL. */
    final String key;

    /** Whether requests use TLS ({@code https}). */
    final boolean tls;

    /** The host as written in the URL (brackets kept for IPv6), lower case. */
    final String host;

    /** {@code host} or {@code host:port} when the port is not the scheme's default. */
    final String authority;

    final AtomicInteger inflight = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();

    /** Epoch millis until which it is down; at or before now means up. */
    final AtomicLong downUntil = new AtomicLong();

    volatile long lastUsed;

    Upstream(URI uri, long now) {
      String scheme = scheme(uri);
      this.tls = scheme.equals("https");
      this.host = host(uri);
      int defaultPort = tls ? 443 : 80;
      int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
      this.key = scheme + "://" + host + ":" + port;
      this.authority = port == defaultPort ? host : host + ":" + port;
      this.lastUsed = now;
    }

    static String key(URI uri) {
      String scheme = scheme(uri);
      int port = uri.getPort() < 0 ? (scheme.equals("https") ? 443 : 80) : uri.getPort();
      return scheme + "://" + host(uri) + ":" + port;
    }

    private static String scheme(URI uri) {
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("upstream " + uri + " is not an http(s) URL");
      }
      return scheme;
    }

    private static String host(URI uri) {
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("upstream " + uri + " has no host");
      }
      return uri.getHost().toLowerCase(Locale.ROOT);
    }

    /** The request is done with this upstream. */
    void release() {
      inflight.decrementAndGet();
    }

    @Override
    public String toString() {
      return key;
    }
  }
}
