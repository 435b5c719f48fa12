package dev.edge.ratelimit;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IP network: an address and a prefix length, e.g. {@code 10.0.0.0/8} or {@code 2001:db8::/32};
 * a single address is a network of one ({@code /32}, {@code /128}).
 *
 * <p>IPv4 and IPv6 networks are kept apart: {@code ::/0} holds every IPv6 address but no IPv4 one.
 * An IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3}) is the IPv4 address it maps, both as an
 * address tested here and as a network written that way ({@code ::ffff:10.0.0.0/104} is {@code
 * 10.0.0.0/8}).
 *
 * @param network the network address: its host bits (those past the prefix) are zero
 * @param prefixLength how many leading bits of an address must equal the network's: 0-32 for IPv4,
 *     0-128 for IPv6
 */
public record Cidr(InetAddress network, int prefixLength) {

  private static final String EXPECTED =
      "an IPv4 or IPv6 address, optionally with /prefix, e.g. 10.0.0.0/8, 2001:db8::/32 or"
          + " 192.0.2.7";

  /** Checks the prefix length against the address family and that no host bit is set. */
  public Cidr {
    Objects.requireNonNull(network, "network");
    byte[] address = network.getAddress();
    if (address.length == 16
        && IpAddresses.isIpv4(IpAddresses.high(address), IpAddresses.low(address))) {
      throw new IllegalArgumentException(
          "IPv4-mapped "
              + NetUtil.toAddressString(network)
              + " must be given as the IPv4 address it maps");
    }
    int bits = network instanceof Inet4Address ? 32 : 128;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException(
          "prefix length "
              + prefixLength
              + " is not 0-"
              + bits
              + " for "
              + NetUtil.toAddressString(network));
    }
    if (!Block.of(network, prefixLength).isNetworkAddress(network)) {
      throw new IllegalArgumentException(
          NetUtil.toAddressString(network) + "/" + prefixLength + " has host bits set");
    }
  }

  /**
   * Parses {@code address/prefix} or a single address (surrounding whitespace ignored). Only
   * literal addresses: a host name is an error, never a DNS lookup.
   *
   * @throws IllegalArgumentException naming {@code text} and what was expected
   */
  public static Cidr parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid(String.valueOf(text), EXPECTED);
    }
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
    InetAddress address = IpAddresses.literal(addressText);
    if (address == null) {
      throw invalid(trimmed, EXPECTED + "; \"" + addressText + "\" is not an IP address");
    }
    boolean writtenAsIpv6 = addressText.indexOf(':') >= 0;
    boolean ipv4 = address instanceof Inet4Address;
    int bits = ipv4 ? 32 : 128;
    int prefix = slash < 0 ? (writtenAsIpv6 ? 128 : bits) : prefixOf(trimmed, slash);
    if (writtenAsIpv6 && ipv4) {
      if (prefix < 96) {
        throw invalid(trimmed, "a prefix length 96-128 for an IPv4-mapped IPv6 network");
      }
      prefix -= 96;
    }
    if (prefix > bits) {
      throw invalid(
          trimmed, "a prefix length 0-" + bits + " for an IPv" + (ipv4 ? "4" : "6") + " network");
    }
    Block block = Block.of(address, prefix);
    if (!block.isNetworkAddress(address)) {
      throw invalid(
          trimmed,
          "no host bits set, i.e. the network address "
              + NetUtil.toAddressString(block.networkAddress())
              + "/"
              + prefix);
    }
    return new Cidr(address, prefix);
  }

  /** Whether {@code address} lies in this network. */
  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    return block().matches(IpAddresses.high(bytes), IpAddresses.low(bytes));
  }

  /** The network as {@code address/prefix}, IPv6 in its short form (RFC 5952). */
  @Override
  public String toString() {
    return NetUtil.toAddressString(network) + "/" + prefixLength;
  }

  /** This network in the 128-bit form, whose check allocates nothing (for the request path). */
  Block block() {
    return Block.of(network, prefixLength);
  }

  private static int prefixOf(String text, int slash) {
    String digits = text.substring(slash + 1);
    if (digits.isEmpty()
        || digits.length() > 3
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid(text, "a prefix length after the /, e.g. 10.0.0.0/8");
    }
    return Integer.parseInt(digits);
  }

  private static IllegalArgumentException invalid(String text, String expected) {
    return new IllegalArgumentException(
        "\"" + text + "\" is not a valid CIDR (expected: " + expected + ")");
  }

  /**
   * A network in the 128-bit form of {@link IpAddresses}: an address matches when it is of the same
   * family and its masked bits equal the network's.
   */
  record Block(long high, long low, long maskHigh, long maskLow, boolean ipv4) {

    static Block of(InetAddress network, int prefixLength) {
      boolean ipv4 = network instanceof Inet4Address;
      int bits = ipv4 ? 96 + prefixLength : prefixLength;
      long maskHigh = mask(bits);
      long maskLow = mask(bits - 64);
      byte[] address = network.getAddress();
      return new Block(
          IpAddresses.high(address) & maskHigh,
          IpAddresses.low(address) & maskLow,
          maskHigh,
          maskLow,
          ipv4);
    }

    boolean matches(long addressHigh, long addressLow) {
      return IpAddresses.isIpv4(addressHigh, addressLow) == ipv4
          && (addressHigh & maskHigh) == high
          && (addressLow & maskLow) == low;
    }

    /** Whether {@code address} has no bit set past the prefix. */
    boolean isNetworkAddress(InetAddress address) {
      byte[] bytes = address.getAddress();
      return IpAddresses.high(bytes) == high && IpAddresses.low(bytes) == low;
    }

    /** The network address: the address this block was made of, its host bits cleared. */
    InetAddress networkAddress() {
      byte[] bytes = new byte[ipv4 ? 4 : 16];
      for (int i = 0; i < bytes.length; i++) {
        int bit = (ipv4 ? 96 : 0) + 8 * i;
        long half = bit < 64 ? high : low;
        bytes[i] = (byte) (half >>> (56 - bit % 64));
      }
      try {
        return InetAddress.getByAddress(bytes);
      } catch (UnknownHostException e) {
        throw new IllegalStateException("a 4 or 16 byte address", e);
      }
    }

    /** The first {@code bits} (clamped to 0-64) of a 64-bit half set. */
    private static long mask(int bits) {
      if (bits <= 0) {
        return 0;
      }
      return bits >= 64 ? -1L : -1L << (64 - bits);
    }
  }
}
