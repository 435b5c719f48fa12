package dev.edge.ratelimit;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP addresses as the rate limiter and the trusted-proxy check see them: literals parsed without
 * ever resolving a name (a host name in a header must not trigger DNS on the event loop), and the
 * 128-bit form in two {@code long}s, with IPv4 {@code a.b.c.d} as its IPv4-mapped IPv6 form {@code
 * ::ffff:a.b.c.d}, so that the same client seen over IPv4 and as a mapped IPv6 address is one
 * client.
 */
final class IpAddresses {

  /** The low half of {@code ::ffff:0.0.0.0}: what marks an IPv4 address in the 128-bit form. */
  static final long MAPPED = 0xFFFFL << 32;

  private IpAddresses() {}

  /** The upper 64 bits of the 128-bit form of {@code address} (4 or 16 bytes). */
  static long high(byte[] address) {
    return address.length == 4 ? 0 : bits(address, 0, 8);
  }

  /** The lower 64 bits of the 128-bit form of {@code address} (4 or 16 bytes). */
  static long low(byte[] address) {
    return address.length == 4 ? MAPPED | bits(address, 0, 4) : bits(address, 8, 8);
  }

  /** Whether the 128-bit form is an IPv4 address ({@code ::ffff:0:0/96}). */
  static boolean isIpv4(long high, long low) {
    return high == 0 && (low & 0xFFFF_FFFF_0000_0000L) == MAPPED;
  }

  /**
   * The address written as {@code text}: an IPv4 dotted quad or an IPv6 literal (an IPv4-mapped one
   * becomes IPv4), or null when it is anything else (a host name, a port, brackets, spaces, an IPv4
   * part with a leading zero, which some stacks read as octal).
   */
  static InetAddress literal(String text) {
    if (hasLeadingZero(text)) {
      return null;
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
    if (bytes == null || text.indexOf('[') >= 0) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * One {@code X-Forwarded-For} element, {@code text[start, end)} without the surrounding
   * whitespace: an address as {@link #literal}, also {@code 1.2.3.4:port}, {@code [v6]} and {@code
   * [v6]:port} (some proxies write the port); null when it is none of these.
   */
  static InetAddress hop(String text, int start, int end) {
    if (text.charAt(start) == '[') {
      int close = text.indexOf(']', start);
      if (close < 0 || close >= end || !isPortOrNothing(text, close + 1, end)) {
        return null;
      }
      String inside = text.substring(start + 1, close);
      return inside.indexOf(':') >= 0 ? literal(inside) : null;
    }
    int colon = text.indexOf(':', start);
    if (colon >= 0 && colon < end && text.lastIndexOf(':', end - 1) == colon) {
      // exactly one colon: IPv4 with a port (no IPv6 literal has a single colon)
      return isPortOrNothing(text, colon, end) ? literal(text.substring(start, colon)) : null;
    }
    return literal(text.substring(start, end));
  }

  /** Whether {@code text[from, end)} is empty or {@code :} and 1-5 digits. */
  private static boolean isPortOrNothing(String text, int from, int end) {
    if (from == end) {
      return true;
    }
    if (text.charAt(from) != ':' || end - from < 2 || end - from > 6) {
      return false;
    }
    for (int i = from + 1; i < end; i++) {
      if (!isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether a dotted (IPv4) part of {@code text} has a leading zero, as in {@code 010.0.0.1}. */
  private static boolean hasLeadingZero(String text) {
    int from = text.lastIndexOf(':') + 1;
    for (int i = from; i < text.length() - 1; i++) {
      boolean partStart = i == from || text.charAt(i - 1) == '.';
      if (partStart && text.charAt(i) == '0' && isDigit(text.charAt(i + 1))) {
        return text.indexOf('.', from) >= 0;
      }
    }
    return false;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** {@code count} bytes from {@code offset}, big-endian, as an unsigned number. */
  private static long bits(byte[] bytes, int offset, int count) {
    long value = 0;
    for (int i = offset; i < offset + count; i++) {
      value = value << 8 | (bytes[i] & 0xFF);
    }
    return value;
  }
}
