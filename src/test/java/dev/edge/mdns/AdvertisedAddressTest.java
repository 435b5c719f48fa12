package dev.edge.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.mdns.AdvertisedAddress.Nic;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The choice of address over made-up interfaces (no socket is opened). */
class AdvertisedAddressTest {

  private static final Nic LO = nic("lo", true, true, "127.0.0.1", "::1");
  private static final Nic DOWN = nic("eth0", false, false, "192.168.1.10");
  private static final Nic LINK_LOCAL = nic("eth1", true, false, "169.254.3.4", "fe80::1");
  private static final Nic V6_ONLY = nic("eth2", true, false, "2001:db8::2");
  private static final Nic LAN = nic("wlan0", true, false, "169.254.9.9", "10.0.0.7");
  private static final List<Nic> MACHINE = List.of(LO, DOWN, LINK_LOCAL, V6_ONLY, LAN);

  private static Nic nic(String name, boolean up, boolean loopback, String... addresses) {
    List<InetAddress> list =
        Arrays.stream(addresses)
            .map(
                text -> {
                  try {
                    return InetAddress.getByName(text);
                  } catch (IOException e) {
                    throw new IllegalArgumentException(e);
                  }
                })
            .toList();
    return new Nic(name, up, loopback, list);
  }

  private static String choose(String wanted, List<Nic> nics) throws IOException {
    return AdvertisedAddress.choose(wanted, nics).getHostAddress();
  }

  @Test
  void byDefaultTheFirstUpNonLoopbackInterfaceWithANonLinkLocalIpv4Address() throws IOException {
    assertThat(choose(null, MACHINE)).isEqualTo("10.0.0.7");
    assertThatThrownBy(() -> choose(null, List.of(LO, DOWN, LINK_LOCAL, V6_ONLY)))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "no interface is up with an IPv4 address that is neither loopback nor link-local;"
                + " name one with --mdns-interface");
  }

  @Test
  void anInterfaceByNameEvenLoopbackOrLinkLocal() throws IOException {
    assertThat(choose("lo", MACHINE)).isEqualTo("127.0.0.1");
    assertThat(choose("wlan0", MACHINE)).isEqualTo("10.0.0.7");
    assertThat(choose("eth1", MACHINE)).isEqualTo("169.254.3.4");
    assertThatThrownBy(() -> choose("eth0", MACHINE))
        .hasMessage("--mdns-interface=eth0: the interface is down");
    assertThatThrownBy(() -> choose("eth2", MACHINE))
        .hasMessage("--mdns-interface=eth2: the interface has no IPv4 address");
    assertThatThrownBy(() -> choose("eth9", MACHINE))
        .hasMessage(
            "--mdns-interface=eth9: no such interface (interfaces: lo, eth0, eth1, eth2, wlan0)");
  }

  @Test
  void anAddressOfOneOfTheInterfaces() throws IOException {
    assertThat(choose("127.0.0.1", MACHINE)).isEqualTo("127.0.0.1");
    assertThat(choose("10.0.0.7", MACHINE)).isEqualTo("10.0.0.7");
    assertThatThrownBy(() -> choose("192.168.1.10", MACHINE))
        .hasMessage("--mdns-interface=192.168.1.10: its interface eth0 is down");
    assertThatThrownBy(() -> choose("10.0.0.8", MACHINE))
        .hasMessage("--mdns-interface=10.0.0.8 is not an address of any interface of this machine");
    assertThatThrownBy(() -> choose("10.0.0.300", MACHINE))
        .hasMessage("--mdns-interface=10.0.0.300 is not an IPv4 address");
    assertThatThrownBy(() -> choose("2001:db8::2", MACHINE))
        .hasMessage(
            "--mdns-interface=2001:db8::2 is an IPv6 address; mDNS here advertises IPv4 (A"
                + " records)");
  }
}
