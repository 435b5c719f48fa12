package dev.edge.mdns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Chooses the IPv4 address the A records carry and the interface jmdns multicasts on (the one that
 * has the address): {@code --mdns-interface} as an interface name ({@code eth0}: its first IPv4
 * address, link-local ones last) or as one of the machine's addresses; by default the first
 * interface that is up and not loopback with an IPv4 address that is not link-local ({@code
 * 169.254.*}). Loopback is only ever used when named, so an edge never advertises {@code 127.0.0.1}
 * on its own.
 */
final class AdvertisedAddress {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private AdvertisedAddress() {}

  /**
   * One network interface as the choice sees it.
   *
   * @param name the interface's name ({@code eth0})
   * @param up whether it is up
   * @param loopback whether it is a loopback interface
   * @param addresses its addresses, IPv4 and IPv6
   */
  record Nic(String name, boolean up, boolean loopback, List<InetAddress> addresses) {}

  /** The address for {@code wanted} (null = the default) among this machine's interfaces. */
  static InetAddress choose(String wanted) throws IOException {
    return choose(wanted, machine());
  }

  /**
   * The address for {@code wanted} (null = the default) among {@code nics}, in their order.
   *
   * @throws IOException saying why none fits, in a sentence for the log
   */
  static InetAddress choose(String wanted, List<Nic> nics) throws IOException {
    if (wanted == null) {
      for (Nic nic : nics) {
        if (nic.up() && !nic.loopback()) {
          InetAddress address = ipv4(nic, false);
          if (address != null) {
            return address;
          }
        }
      }
      throw new IOException(
          "no interface is up with an IPv4 address that is neither loopback nor link-local;"
              + " name one with --mdns-interface");
    }
    if (wanted.contains(":")) {
      throw new IOException(
          "--mdns-interface="
              + wanted
              + " is an IPv6 address; mDNS here advertises IPv4 (A records)");
    }
    if (IPV4.matcher(wanted).matches()) {
      InetAddress address = literal(wanted);
      for (Nic nic : nics) {
        if (nic.addresses().contains(address)) {
          if (!nic.up()) {
            throw new IOException(
                "--mdns-interface=" + wanted + ": its interface " + nic.name() + " is down");
          }
          return address;
        }
      }
      throw new IOException(
          "--mdns-interface=" + wanted + " is not an address of any interface of this machine");
    }
    for (Nic nic : nics) {
      if (nic.name().equals(wanted)) {
        if (!nic.up()) {
          throw new IOException("--mdns-interface=" + wanted + ": the interface is down");
        }
        InetAddress address = ipv4(nic, false);
        address = address != null ? address : ipv4(nic, true);
        if (address == null) {
          throw new IOException(
              "--mdns-interface=" + wanted + ": the interface has no IPv4 address");
        }
        return address;
      }
    }
    throw new IOException(
        "--mdns-interface="
            + wanted
            + ": no such interface (interfaces: "
            + String.join(", ", nics.stream().map(Nic::name).toList())
            + ")");
  }

  /** The first IPv4 address of {@code nic}, link-local ones only if {@code linkLocal}. */
  private static InetAddress ipv4(Nic nic, boolean linkLocal) {
    for (InetAddress address : nic.addresses()) {
      if (address instanceof Inet4Address && address.isLinkLocalAddress() == linkLocal) {
        return address;
      }
    }
    return null;
  }

  private static InetAddress literal(String text) throws IOException {
    for (String octet : text.split("\\.")) {
      if (Integer.parseInt(octet) > 255) {
        throw new IOException("--mdns-interface=" + text + " is not an IPv4 address");
      }
    }
    try {
      return InetAddress.getByName(text); // a literal: no name lookup
    } catch (UnknownHostException e) {
      throw new IOException("--mdns-interface=" + text + " is not an IP address", e);
    }
  }

  /** This machine's interfaces, by index (loopback is usually 1, the first card 2). */
  private static List<Nic> machine() throws SocketException {
    List<NetworkInterface> all = Collections.list(NetworkInterface.getNetworkInterfaces());
    all.sort(java.util.Comparator.comparingInt(NetworkInterface::getIndex));
    List<Nic> nics = new ArrayList<>();
    for (NetworkInterface nic : all) {
      nics.add(
          new Nic(
              nic.getName(),
              nic.isUp(),
              nic.isLoopback(),
              Collections.list(nic.getInetAddresses())));
    }
    return nics;
  }
}
