package dev.edge.config;

import java.util.List;
import java.util.function.Function;

/** Reads {@code --mdns} and {@code --mdns-interface} into {@link Mdns}. */
final class MdnsOptions {

  /** The options this class reads, for {@link OptionsParser#OPTIONS}. */
  static final List<OptionsParser.Option> OPTIONS =
      List.of(
          new OptionsParser.Option(
              "mdns", "false (or edge: {mdns: true} in the Edgefile)", "true or false"),
          new OptionsParser.Option(
              "mdns-interface",
              "the first up, non-loopback, non-link-local IPv4 interface",
              "a network interface name (eth0) or one of its IP addresses"));

  private MdnsOptions() {}

  static Mdns parse(Function<String, String> source) {
    boolean enabled = OptionsParser.bool(source, "mdns", false);
    String networkInterface = source.apply("mdns-interface");
    if (networkInterface != null) {
      networkInterface = networkInterface.trim();
      if (networkInterface.isEmpty() || networkInterface.contains(" ")) {
        throw OptionsParser.invalid(
            "mdns-interface", networkInterface, OptionsParser.expected("mdns-interface"));
      }
    }
    return new Mdns(enabled, networkInterface);
  }
}
