package dev.edge.ratelimit;

import static dev.edge.ratelimit.Addresses.ip;
import static dev.edge.ratelimit.Addresses.mapped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing networks (with the error messages users see) and membership, IPv4 and IPv6 apart. */
class CidrTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.0/8          | 10.0.0.0/8",
        "' 192.0.2.0/24 '    | 192.0.2.0/24",
        "192.0.2.7           | 192.0.2.7/32",
        "0.0.0.0/0           | 0.0.0.0/0",
        "2001:db8::/32       | 2001:db8::/32",
        "2001:DB8:0:0::/64   | 2001:db8::/64",
        "::1                 | ::1/128",
        "::/0                | ::/0",
        "::ffff:10.0.0.0/104 | 10.0.0.0/8",
        "::ffff:192.0.2.7    | 192.0.2.7/32",
      })
  void parsesNetworksAndSingleAddresses(String text, String parsed) {
    assertThat(Cidr.parse(text)).hasToString(parsed);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''              | an IPv4 or IPv6 address, optionally with /prefix",
        "example.com     | \"example.com\" is not an IP address",
        "example.com/8   | \"example.com\" is not an IP address",
        "010.0.0.0/8     | \"010.0.0.0\" is not an IP address",
        "[::1]/128       | \"[::1]\" is not an IP address",
        "10.0.0.0/       | a prefix length after the /",
        "10.0.0.0/x      | a prefix length after the /",
        "10.0.0.0/-1     | a prefix length after the /",
        "10.0.0.0/33     | a prefix length 0-32 for an IPv4 network",
        "2001:db8::/129  | a prefix length 0-128 for an IPv6 network",
        "::ffff:0:0/64   | a prefix length 96-128 for an IPv4-mapped IPv6 network",
        "10.1.2.3/8      | no host bits set, i.e. the network address 10.0.0.0/8",
        "2001:db8::1/32  | no host bits set, i.e. the network address 2001:db8::/32",
      })
  void refusesAnythingElseNamingTheTextAndWhatWasExpected(String text, String expected) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("\"" + text.strip() + "\" is not a valid CIDR (expected: ")
        .hasMessageContaining(expected);
  }

  @Test
  void aNullTextIsRefusedLikeAnEmptyOne() {
    assertThatThrownBy(() -> Cidr.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("\"null\" is not a valid CIDR");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.0/8       | 10.0.0.0         | true",
        "10.0.0.0/8       | 10.255.255.255   | true",
        "10.0.0.0/8       | 11.0.0.0         | false",
        "10.0.0.0/8       | 9.255.255.255    | false",
        "192.0.2.7        | 192.0.2.7        | true",
        "192.0.2.7        | 192.0.2.8        | false",
        "172.16.0.0/12    | 172.31.255.255   | true",
        "172.16.0.0/12    | 172.32.0.0       | false",
        "0.0.0.0/0        | 203.0.113.9      | true",
        "0.0.0.0/0        | ::1              | false",
        "::/0             | 2001:db8::1      | true",
        "::/0             | 203.0.113.9      | false",
        "::/0             | ::ffff:1.2.3.4   | false",
        "2001:db8::/32    | 2001:db8:ffff::1 | true",
        "2001:db8::/32    | 2001:db9::1      | false",
        "2001:db8::/127   | 2001:db8::1      | true",
        "2001:db8::/127   | 2001:db8::2      | false",
        "fe80::/10        | febf::1          | true",
        "fe80::/10        | fec0::1          | false",
        "::1              | ::1              | true",
        "::1              | 127.0.0.1        | false",
        "::ffff:10.0.0.0/104 | 10.9.8.7      | true",
      })
  void containsExactlyTheAddressesOfItsFamilyUnderItsPrefix(
      String cidr, String address, boolean contained) {
    assertThat(Cidr.parse(cidr).contains(ip(address))).isEqualTo(contained);
  }

  @Test
  void anIpv4MappedIpv6AddressIsTheIpv4AddressItMaps() {
    assertThat(Cidr.parse("10.0.0.0/8").contains(mapped("10.1.2.3"))).isTrue();
    assertThat(Cidr.parse("10.0.0.0/8").contains(mapped("11.1.2.3"))).isFalse();
    assertThat(Cidr.parse("::/0").contains(mapped("10.1.2.3"))).isFalse();
  }

  @Test
  void theConstructorChecksThePrefixAndTheHostBits() {
    assertThatThrownBy(() -> new Cidr(ip("10.0.0.0"), 33))
        .hasMessage("prefix length 33 is not 0-32 for 10.0.0.0");
    assertThatThrownBy(() -> new Cidr(ip("2001:db8::"), -1))
        .hasMessage("prefix length -1 is not 0-128 for 2001:db8::");
    assertThatThrownBy(() -> new Cidr(ip("10.0.0.1"), 8))
        .hasMessage("10.0.0.1/8 has host bits set");
    assertThatThrownBy(() -> new Cidr(mapped("10.0.0.0"), 104))
        .hasMessage("IPv4-mapped ::ffff:a00:0 must be given as the IPv4 address it maps");
    assertThat(new Cidr(ip("10.0.0.0"), 8)).isEqualTo(Cidr.parse("10.0.0.0/8"));
  }
}
