package dev.edge.ratelimit;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Per-client rate limiting: {@code limit} requests per {@code window} for each client address.
 *
 * <p><b>Algorithm.</b> A token bucket of {@code limit} requests refilling at one request per {@code
 * window / limit}, kept as GCRA (the generic cell rate algorithm): per client one {@code long}, the
 * time at which its bucket will be full again (the theoretical arrival time). A request is allowed
 * if taking it leaves that time at most one window ahead of now, and then moves it one interval on.
 * So a client may burst {@code limit} requests, then gets one per interval; after a quiet window it
 * has the whole bucket again. One window's span admits at most {@code 2 * limit} requests (a full
 * bucket, then its refill), and no more than {@code limit} per window in the long run. rip-server
 * 1.3 kept a sliding log (exact, but memory per client grows with the limit); 1.4 moved to a token
 * bucket, as here. O(1) time and constant memory per client.
 *
 * <p><b>Memory.</b> At most {@code maxClients} clients are tracked, about 50 bytes each in
 * primitive arrays ({@link ClientTable}) that grow with use and are reused after that: a flood of
 * new addresses allocates nothing and churns no garbage. A client that is not tracked has a full
 * bucket. When the table is full, the least recently seen client (denied requests count as seen) is
 * forgotten to make room, which resets its bucket.
 *
 * <p><b>Why eviction does not help an attacker.</b> A bucket is only worth resetting while it is
 * not full, that is within one window of the client's last request, and the client stays in the
 * table until {@code maxClients} other clients have been seen since that last request (about that
 * many: see segments below). Forgetting a client early therefore takes at least {@code maxClients}
 * requests from that many distinct addresses within one window; but each of those addresses comes
 * with a full bucket of its own, so an attacker who has them already gets {@code maxClients *
 * limit} requests without resetting anything. A client that keeps sending while limited is always
 * among the most recently seen and is never the one forgotten. The honest cost is the other way:
 * under such a flood, legitimate quiet clients may be forgotten and get a fresh bucket, which lets
 * them through, never locks them out. Size {@code maxClients} above the distinct clients expected
 * per window so that ordinary traffic never evicts a bucket that is not full. (Per-address limits
 * are weak against IPv6 anyway: one customer's /64 holds 2^64 addresses.)
 *
 * <p><b>Concurrency.</b> Clients are spread over up to 64 segments by a hash keyed with a random
 * per-process seed, each with its own lock held for a few array reads and writes; event loops
 * rarely meet on one. Recency is per segment (each holds {@code maxClients / segments} clients, at
 * least 4096), so eviction is least-recently-seen within the new client's segment. The seed keeps
 * an attacker from choosing addresses that all land in the victim's segment (which would make
 * eviction {@code segments} times cheaper) or in one hash chain. The check runs under the lock, so
 * concurrent requests of one client never admit more than the bucket holds.
 *
 * <p><b>Allocation per request:</b> the address's byte array (from {@link InetAddress#getAddress})
 * and the returned {@link Decision}, both short-lived; a denied one adds its exception.
 */
public final class RateLimiter {

  static final int MIN_CLIENTS_PER_SEGMENT = 4096;
  static final int MAX_SEGMENTS = 64;

  private static final long SECOND = 1_000_000_000L;

  private final RateLimit limit;
  private final LongSupplier nanoClock;
  private final long interval;
  private final long burst;
  private final long seed = new SecureRandom().nextLong();
  private final ClientTable[] segments;

  /**
   * Creates a limiter for {@code limit}, reading time from {@code nanoClock} (nanoseconds, e.g.
   * {@code System::nanoTime}; only differences matter).
   */
  public RateLimiter(RateLimit limit, LongSupplier nanoClock) {
    this.limit = limit;
    this.nanoClock = nanoClock;
    this.interval = limit.window().toNanos() / limit.limit();
    this.burst = interval * limit.limit();
    int count = segmentsFor(limit.maxClients());
    this.segments = new ClientTable[count];
    for (int i = 0; i < count; i++) {
      segments[i] =
          new ClientTable(limit.maxClients() / count + (i < limit.maxClients() % count ? 1 : 0));
    }
  }

  /** The limit this limiter enforces. */
  public RateLimit limit() {
    return limit;
  }

  /**
   * Takes one request for {@code client}: adds the {@code RateLimit-*} headers to {@code
   * responseHeaders} when it is allowed.
   *
   * @throws EdgeException {@code 429 rate_limited} when it is not
   */
  public void admit(InetAddress client, HttpHeaders responseHeaders) {
    Decision decision = acquire(client);
    if (!decision.allowed()) {
      throw decision.rejection();
    }
    decision.addHeadersTo(responseHeaders);
  }

  /** Takes one request for client; never blocks. */
  public Decision acquire(InetAddress client) {
    byte[] address = client.getAddress();
    long high = IpAddresses.high(address);
    long low = IpAddresses.low(address);
    long hash = hash(high, low);
    ClientTable table = segments[(int) (hash >>> 32) & (segments.length - 1)];
    long now = nanoClock.getAsLong();
    boolean allowed;
    long ahead;
    synchronized (table) {
      int slot = table.touch(high, low, (int) hash, now); // a new client's bucket is full
      long full = table.state(slot); // when this client's bucket is full again
      long next = (full - now > 0 ? full : now) + interval; // ... once it takes this request
      allowed = next - now <= burst;
      if (allowed) {
        table.state(slot, next);
      }
      ahead = allowed ? next - now : full - now;
    }
    int max = limit.limit();
    if (allowed) {
      return new Decision(true, max, (int) ((burst - ahead) / interval), seconds(ahead), 0);
    }
    return new Decision(false, max, 0, seconds(ahead), seconds(ahead + interval - burst));
  }

  /** Clients currently tracked (at most {@link RateLimit#maxClients()}). */
  public int trackedClients() {
    int tracked = 0;
    for (ClientTable table : segments) {
      synchronized (table) {
        tracked += table.size();
      }
    }
    return tracked;
  }

  /**
   * Segments for {@code maxClients}: a power of two, each with at least 4096 clients, at most 64.
   */
  static int segmentsFor(int maxClients) {
    int segments = Integer.highestOneBit(Math.max(1, maxClients / MIN_CLIENTS_PER_SEGMENT));
    return Math.min(segments, MAX_SEGMENTS);
  }

  private long hash(long high, long low) {
    return mix(mix(high ^ seed) + low);
  }

  /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
  private static long mix(long x) {
    x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
    x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return x ^ (x >>> 33);
  }

  /** Whole seconds, rounded up: a client that waits this long is never early. */
  private static long seconds(long nanos) {
    return nanos <= 0 ? 0 : (nanos + SECOND - 1) / SECOND;
  }

  /**
   * The outcome of one {@link #acquire}, and the headers that tell the client about its quota (the
   * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} fields of
   * draft-ietf-httpapi-ratelimit-headers, in their separate-field form, with delta seconds).
   *
   * <p>Allowed responses carry them too: that is the point of the fields, letting a client slow
   * down before it is refused instead of discovering the limit through 429s, as Kong's
   * rate-limiting plugin and GitHub's API (as {@code X-RateLimit-*}) do on every response. The cost
   * is three short header writes on a request that is forwarded anyway, and they reveal nothing but
   * the client's own quota.
   *
   * @param allowed whether the request may proceed
   * @param limit the bucket size: requests allowed at once, and per window on average
   * @param remaining requests the client could make right now (0 when denied)
   * @param resetSeconds seconds until the bucket is full again, i.e. until the client has {@code
   *     limit} requests available, rounded up
   * @param retryAfterSeconds when denied, seconds until one request would be allowed, rounded up
   *     (at least 1); 0 when allowed
   */
  public record Decision(
      boolean allowed, int limit, int remaining, long resetSeconds, long retryAfterSeconds) {

    /** {@code RateLimit-Limit}. */
    public static final AsciiString LIMIT = AsciiString.cached("RateLimit-Limit");

    /** {@code RateLimit-Remaining}. */
    public static final AsciiString REMAINING = AsciiString.cached("RateLimit-Remaining");

    /** {@code RateLimit-Reset}. */
    public static final AsciiString RESET = AsciiString.cached("RateLimit-Reset");

    /**
     * The 429 to throw for a denied request: {@link Reason#RATE_LIMITED} with {@code Retry-After}
     * and the {@code RateLimit-*} headers.
     *
     * @throws IllegalStateException if the request was allowed
     */
    public EdgeException rejection() {
      if (allowed) {
        throw new IllegalStateException("the request was allowed");
      }
      return new EdgeException(
          Reason.RATE_LIMITED,
          "rate limit of "
              + limit
              + " requests per window exceeded; retry after "
              + retryAfterSeconds
              + " s",
          Map.of(
              "Retry-After",
              Long.toString(retryAfterSeconds),
              LIMIT.toString(),
              Integer.toString(limit),
              REMAINING.toString(),
              Integer.toString(remaining),
              RESET.toString(),
              Long.toString(resetSeconds)));
    }

    /** Sets the {@code RateLimit-*} headers on an allowed response's {@code headers}. */
    public void addHeadersTo(HttpHeaders headers) {
      headers.set(LIMIT, Integer.toString(limit));
      headers.set(REMAINING, Integer.toString(remaining));
      headers.set(RESET, Long.toString(resetSeconds));
    }
  }
}
