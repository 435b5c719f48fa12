package dev.edge.ratelimit;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Test addresses from literals, without DNS. */
final class Addresses {

  private Addresses() {}

  /** The address written as {@code literal}; fails the test if it is not one. */
  static InetAddress ip(String literal) {
    InetAddress address = IpAddresses.literal(literal);
    if (address == null) {
      throw new IllegalArgumentException("not an IP literal: " + literal);
    }
    return address;
  }

  /** The {@code n}th IPv4 address, for floods of distinct clients. */
  static InetAddress ipv4(int n) {
    try {
      return InetAddress.getByAddress(
          new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code ::ffff:a.b.c.d} as an {@link Inet6Address} (the JDK normally turns it into IPv4). */
  static InetAddress mapped(String ipv4) {
    byte[] v4 = ip(ipv4).getAddress();
    byte[] v6 = new byte[16];
    v6[10] = (byte) 0xFF;
    v6[11] = (byte) 0xFF;
    System.arraycopy(v4, 0, v6, 12, 4);
    try {
      return Inet6Address.getByAddress(null, v6, -1);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
