package dev.edge.ratelimit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * Who the client of a request is, for rate limiting (and anything else keyed by client).
 *
 * <p>The client is the socket peer, unless the peer lies in one of the trusted proxy networks: then
 * {@code X-Forwarded-For} is read from the right, because each proxy appends the address it was
 * connected from, so an entry can only be believed if the hop that wrote it (the entry to its
 * right, or the peer for the right-most one) is trusted. The walk skips trusted addresses and
 * returns the first untrusted one: the right-most untrusted hop. Anything further left was written
 * by that client and is never looked at.
 *
 * <ul>
 *   <li>No trusted proxies (the default), or an untrusted peer: the peer, whatever the header says.
 *   <li>Several {@code X-Forwarded-For} lines are one list, in the order they arrived.
 *   <li>Empty list elements ({@code a,,b}, a trailing comma) are skipped, as HTTP lists allow.
 *   <li>Every hop trusted: the left-most one (the request came from inside the trusted networks).
 *   <li>A malformed element (not an IP literal, e.g. {@code unknown}, a host name, {@code
 *       _obfuscated}): the walk stops and the last good hop to its right is the client, which is a
 *       trusted proxy (or the peer). The element was written by a trusted proxy that could not name
 *       its peer, so nothing left of it can be verified; skipping it would let a client put any
 *       address there, and ignoring the whole header gives the same answer with less precision.
 *       Clients behind that proxy then share one bucket: a misconfiguration costs precision, never
 *       lets a client pick its address.
 *   <li>Accepted element forms: {@code 192.0.2.1}, {@code 2001:db8::1}, {@code [2001:db8::1]},
 *       optionally with {@code :port} after an IPv4 address or a bracketed IPv6 one; an IPv4-mapped
 *       IPv6 address is the IPv4 address. Host names are never resolved.
 *   <li>A peer that is not an IP socket (a Unix domain socket) counts as the loopback address.
 * </ul>
 *
 * <p>Cost: with no trusted proxies, or an untrusted peer, nothing is parsed and nothing allocated
 * beyond the peer check. Otherwise one substring, one address and one byte array per hop visited;
 * the walk stops at the first untrusted hop, so a client cannot make it longer by padding the
 * header on its own side unless its own address is trusted.
 */
public final class ClientAddresses {

  private static final InetAddress UNKNOWN_PEER = InetAddress.getLoopbackAddress();

  private final List<Cidr> trustedProxies;
  private final Cidr.Block[] trusted;

  /** Creates the rule for {@code trustedProxies} (empty: the peer is always the client). */
  public ClientAddresses(List<Cidr> trustedProxies) {
    this.trustedProxies = List.copyOf(trustedProxies);
    this.trusted = this.trustedProxies.stream().map(Cidr::block).toArray(Cidr.Block[]::new);
  }

  /** The trusted proxy networks. */
  public List<Cidr> trustedProxies() {
    return trustedProxies;
  }

  /**
   * The client's address: the peer, or the right-most untrusted X-Forwarded-For hop when the peer
   * is trusted.
   *
   * @param peer the connection's remote address
   * @param forwardedFor every {@code X-Forwarded-For} header line in arrival order (may be empty)
   */
  public InetAddress clientOf(SocketAddress peer, List<String> forwardedFor) {
    InetAddress client = peerAddress(peer);
    if (trusted.length == 0
        || forwardedFor == null
        || forwardedFor.isEmpty()
        || !isTrusted(client)) {
      return client;
    }
    for (int line = forwardedFor.size() - 1; line >= 0; line--) {
      String value = forwardedFor.get(line);
      int end = value.length();
      while (end >= 0) {
        int comma = end == 0 ? -1 : value.lastIndexOf(',', end - 1);
        int from = skipSpace(value, comma + 1, end);
        int to = trimSpace(value, from, end);
        end = comma;
        if (from == to) {
          continue;
        }
        InetAddress hop = IpAddresses.hop(value, from, to);
        if (hop == null) {
          return client;
        }
        client = hop;
        if (!isTrusted(hop)) {
          return hop;
        }
      }
    }
    return client;
  }

  /** Whether {@code address} lies in a trusted proxy network. */
  public boolean isTrusted(InetAddress address) {
    if (trusted.length == 0) {
      return false;
    }
    byte[] bytes = address.getAddress();
    long high = IpAddresses.high(bytes);
    long low = IpAddresses.low(bytes);
    for (Cidr.Block block : trusted) {
      if (block.matches(high, low)) {
        return true;
      }
    }
    return false;
  }

  /** The address of a socket peer; the loopback address for a non-IP peer (a Unix socket). */
  public static InetAddress peerAddress(SocketAddress peer) {
    if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress();
    }
    return UNKNOWN_PEER;
  }

  private static int skipSpace(String text, int from, int end) {
    while (from < end && isSpace(text.charAt(from))) {
      from++;
    }
    return from;
  }

  private static int trimSpace(String text, int from, int end) {
    while (end > from && isSpace(text.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }
}
