package dev.edge.edgefile;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Host names as sites claim them: exact DNS names and IP literals, {@code *.name}, or {@code *}.
 */
final class Hosts {

  /** What a site host looks like, for messages. */
  static final String EXPECTED =
      "a host name (example.com), an IP address (10.0.0.1, [::1]), \"*.\" and a host name, or"
          + " \"*\"; no port";

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern NUMERIC = Pattern.compile("[0-9]+");
  private static final Pattern PORT = Pattern.compile("(.*[^:]):([0-9]{1,5})");

  private Hosts() {}

  /** The lower-cased pattern when valid, else null. */
  static String normalize(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    if (lower.equals("*")) {
      return lower;
    }
    if (lower.startsWith("*.")) {
      String base = lower.substring(2);
      return isDnsName(base) ? lower : null;
    }
    return isExact(lower) ? lower : null;
  }

  /** A hint for a host that is not valid: the port dropped, or a wildcard's missing dot. */
  static String hint(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    if (isIpv6(lower)) {
      return "IPv6 addresses are written in brackets: " + Suggestions.didYouMean("[" + lower + "]");
    }
    var port = PORT.matcher(lower);
    if (port.matches() && normalize(port.group(1)) != null) {
      return "sites match the Host without its port: " + Suggestions.didYouMean(port.group(1));
    }
    if (lower.startsWith("*") && !lower.startsWith("*.") && isDnsName(lower.substring(1))) {
      return Suggestions.didYouMean("*." + lower.substring(1));
    }
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      String rest = lower.substring(lower.indexOf("://") + 3).replaceAll("[/:].*$", "");
      if (normalize(rest) != null) {
        return Suggestions.didYouMean(rest);
      }
    }
    return null;
  }

  /** Whether {@code host} (lower case) is a DNS name, an IPv4 address or a bracketed IPv6 one. */
  static boolean isExact(String host) {
    if (host.startsWith("[") && host.endsWith("]")) {
      return isIpv6(host.substring(1, host.length() - 1));
    }
    return isDnsName(host) || isIpv4(host);
  }

  /** Whether {@code name} is a DNS name of letters, digits and hyphens, not all numeric. */
  static boolean isDnsName(String name) {
    if (name.isEmpty() || name.length() > 253) {
      return false;
    }
    String[] labels = name.split("\\.", -1);
    boolean numeric = true;
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
      numeric &= NUMERIC.matcher(label).matches();
    }
    return !numeric;
  }

  /**
   * Why {@code host} (lower case, not a wildcard) cannot get a certificate from an ACME CA, which
   * issues them for public DNS names only; null when it can. Checked one rule at a time so the
   * reason is the first one broken: an IP address, longer than 253 characters, a label longer than
   * 63, characters other than a-z, 0-9 and "-", a label starting or ending with "-", one label.
   */
  static String notAcmeName(String host) {
    if (isIpv4(host) || (host.startsWith("[") && host.endsWith("]")) || host.indexOf(':') >= 0) {
      return "it is an IP address";
    }
    if (host.length() > 253) {
      return "it is longer than 253 characters";
    }
    String[] labels = host.split("\\.", -1);
    for (String label : labels) {
      if (label.length() > 63) {
        return "the label \"" + label + "\" is longer than 63 characters";
      }
    }
    for (String label : labels) {
      if (label.isEmpty()) {
        return "it has an empty label";
      }
      if (!label
          .chars()
          .allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return "the label \"" + label + "\" has characters other than a-z, 0-9 and \"-\"";
      }
      if (label.startsWith("-") || label.endsWith("-")) {
        return "the label \"" + label + "\" starts or ends with \"-\"";
      }
    }
    if (labels.length == 1) {
      return "it is a single-label name";
    }
    return null;
  }

  /** Whether {@code text} is a dotted-quad IPv4 address without leading zeros. */
  static boolean isIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (!NUMERIC.matcher(part).matches()
          || part.length() > 3
          || (part.length() > 1 && part.startsWith("0"))
          || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code text} is an IPv6 address (with at most one {@code ::}, no zone). */
  static boolean isIpv6(String text) {
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    String[] halves =
        gap >= 0
            ? new String[] {text.substring(0, gap), text.substring(gap + 2)}
            : new String[] {text};
    int groups = 0;
    for (int h = 0; h < halves.length; h++) {
      if (halves[h].isEmpty()) {
        continue;
      }
      String[] parts = halves[h].split(":", -1);
      for (int i = 0; i < parts.length; i++) {
        boolean last = h == halves.length - 1 && i == parts.length - 1;
        if (last && parts[i].contains(".")) {
          if (!isIpv4(parts[i])) {
            return false;
          }
          groups += 2;
        } else if (parts[i].matches("[0-9a-f]{1,4}")) {
          groups++;
        } else {
          return false;
        }
      }
    }
    return gap >= 0 ? groups <= 7 : groups == 8;
  }
}
