package dev.edge.ratelimit;

import static dev.edge.ratelimit.Addresses.ip;
import static dev.edge.ratelimit.Addresses.mapped;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who the client is, for each combination of trusted networks, peer and {@code X-Forwarded-For}
 * lines. Header lines are written with {@code |} between them.
 */
class ClientAddressesTest {

  private static final String PROXIES = "10.0.0.0/8,2001:db8::/32,192.0.2.7";

  static Stream<Arguments> cases() {
    return Stream.of(
        // description, trusted, peer, X-Forwarded-For lines, client
        row("no trusted proxies: the peer", "", "10.0.0.1", "203.0.113.5", "10.0.0.1"),
        row("no trusted proxies, no header", "", "203.0.113.9", null, "203.0.113.9"),
        row(
            "untrusted peer: its header is ignored",
            PROXIES,
            "203.0.113.9",
            "198.51.100.1",
            "203.0.113.9"),
        row("trusted peer, no header", PROXIES, "10.0.0.1", null, "10.0.0.1"),
        row("trusted peer, empty header", PROXIES, "10.0.0.1", "", "10.0.0.1"),
        row("trusted peer, one hop", PROXIES, "10.0.0.1", "203.0.113.5", "203.0.113.5"),
        row(
            "right-most untrusted; the client's own entries are ignored",
            PROXIES,
            "10.0.0.1",
            "198.51.100.66, 203.0.113.5, 10.0.0.7",
            "203.0.113.5"),
        row(
            "trusted single address",
            PROXIES,
            "192.0.2.7",
            "203.0.113.5, 192.0.2.7",
            "203.0.113.5"),
        row(
            "a trusted hop in the client's part does not extend trust past an untrusted one",
            PROXIES,
            "10.0.0.1",
            "10.0.0.9, 203.0.113.5",
            "203.0.113.5"),
        row(
            "every hop trusted: the left-most",
            PROXIES,
            "10.0.0.1",
            "10.0.0.3, 10.0.0.2",
            "10.0.0.3"),
        row(
            "several lines are one list, in order",
            PROXIES,
            "10.0.0.1",
            "198.51.100.7 | 10.0.0.5, 10.0.0.6",
            "198.51.100.7"),
        row(
            "several lines: the last line's untrusted hop wins",
            PROXIES,
            "10.0.0.1",
            "198.51.100.7, 10.0.0.5 | 203.0.113.5",
            "203.0.113.5"),
        row(
            "empty lines and elements are skipped",
            PROXIES,
            "10.0.0.1",
            " 203.0.113.5 ,, \t10.0.0.7, | ",
            "203.0.113.5"),
        row(
            "IPv6 peer and hops",
            PROXIES,
            "2001:db8::1",
            "2a00:1450::1, 2001:db8::2",
            "2a00:1450::1"),
        row(
            "bracketed IPv6 with a port",
            PROXIES,
            "2001:db8::1",
            "[2a00:1450::1]:443",
            "2a00:1450::1"),
        row("bracketed IPv6", PROXIES, "10.0.0.1", "[2a00:1450::1]", "2a00:1450::1"),
        row(
            "IPv4 with a port",
            PROXIES,
            "10.0.0.1",
            "203.0.113.5:51234, 10.0.0.2:80",
            "203.0.113.5"),
        row(
            "an IPv4-mapped hop is the IPv4 address",
            PROXIES,
            "10.0.0.1",
            "::ffff:203.0.113.5, ::ffff:10.0.0.2",
            "203.0.113.5"),
        row(
            "IPv4 networks written as IPv4-mapped IPv6",
            "::ffff:10.0.0.0/104",
            "10.0.0.1",
            "203.0.113.5",
            "203.0.113.5"),
        row("::/0 does not trust IPv4 peers", "::/0", "10.0.0.1", "203.0.113.5", "10.0.0.1"),
        row(
            "malformed right-most: the peer",
            PROXIES,
            "10.0.0.1",
            "203.0.113.5, unknown",
            "10.0.0.1"),
        row(
            "malformed in the middle: the last good hop",
            PROXIES,
            "10.0.0.1",
            "203.0.113.5, _hidden, 10.0.0.7",
            "10.0.0.7"),
        row(
            "a host name is malformed, never resolved",
            PROXIES,
            "10.0.0.1",
            "localhost",
            "10.0.0.1"),
        row(
            "malformed across lines: stops there",
            PROXIES,
            "10.0.0.1",
            "203.0.113.5 | garbage | 10.0.0.7",
            "10.0.0.7"),
        row("a CIDR is not an address", PROXIES, "10.0.0.1", "203.0.113.0/24", "10.0.0.1"),
        row("an empty port", PROXIES, "10.0.0.1", "203.0.113.5:", "10.0.0.1"),
        row("a port too long", PROXIES, "10.0.0.1", "203.0.113.5:123456", "10.0.0.1"),
        row("an unclosed bracket", PROXIES, "10.0.0.1", "[2a00:1450::1", "10.0.0.1"),
        row("brackets around IPv4", PROXIES, "10.0.0.1", "[203.0.113.5]", "10.0.0.1"),
        row("a leading zero (octal to some)", PROXIES, "10.0.0.1", "010.0.0.1", "10.0.0.1"),
        row("an address with a space inside", PROXIES, "10.0.0.1", "203.0.113 .5", "10.0.0.1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theClientIsThePeerOrTheRightMostUntrustedHop(
      String description,
      List<Cidr> trusted,
      SocketAddress peer,
      List<String> forwardedFor,
      InetAddress client) {
    assertThat(new ClientAddresses(trusted).clientOf(peer, forwardedFor)).isEqualTo(client);
  }

  @Test
  void anIpv4MappedIpv6PeerIsTrustedByItsIpv4Network() {
    ClientAddresses clients = new ClientAddresses(List.of(Cidr.parse("10.0.0.0/8")));

    InetAddress client =
        clients.clientOf(new InetSocketAddress(mapped("10.0.0.1"), 80), List.of("203.0.113.5"));

    assertThat(client).isEqualTo(ip("203.0.113.5"));
  }

  @Test
  void aPeerThatIsNotAnIpSocketCountsAsLoopback() {
    SocketAddress unix = UnixDomainSocketAddress.of("/tmp/edge.sock");
    SocketAddress unresolved = InetSocketAddress.createUnresolved("somewhere.example", 80);
    InetAddress loopback = InetAddress.getLoopbackAddress();

    assertThat(new ClientAddresses(List.of()).clientOf(unix, List.of("203.0.113.5")))
        .isEqualTo(loopback);
    assertThat(new ClientAddresses(List.of()).clientOf(unresolved, List.of())).isEqualTo(loopback);
    assertThat(
            new ClientAddresses(List.of(Cidr.parse("127.0.0.0/8")))
                .clientOf(unix, List.of("203.0.113.5")))
        .as("trusted when loopback is")
        .isEqualTo(ip("203.0.113.5"));
  }

  @Test
  void reportsWhetherAnAddressIsTrusted() {
    ClientAddresses clients = new ClientAddresses(List.of(Cidr.parse("10.0.0.0/8")));

    assertThat(clients.isTrusted(ip("10.1.1.1"))).isTrue();
    assertThat(clients.isTrusted(ip("11.1.1.1"))).isFalse();
    assertThat(new ClientAddresses(List.of()).isTrusted(ip("10.1.1.1"))).isFalse();
    assertThat(clients.trustedProxies()).containsExactly(Cidr.parse("10.0.0.0/8"));
  }

  private static Arguments row(
      String description, String trusted, String peer, String forwardedFor, String client) {
    List<Cidr> networks =
        trusted.isEmpty() ? List.of() : Arrays.stream(trusted.split(",")).map(Cidr::parse).toList();
    List<String> lines = forwardedFor == null ? List.of() : List.of(forwardedFor.split("\\|", -1));
    return Arguments.of(
        description, networks, new InetSocketAddress(ip(peer), 40000), lines, ip(client));
  }
}
