package dev.edge.config;

import java.util.function.Function;

/** Reads {@code --management-port} and {@code --management-address} into {@link Management}. */
final class ManagementOptions {

  /** The address the management listener binds unless told otherwise. */
  static final String LOOPBACK = "127.0.0.1";

  private ManagementOptions() {}

  static Management parse(OptionsParser parser, Function<String, String> source) {
    String address = source.apply("management-address");
    if (address != null && address.isBlank()) {
      throw OptionsParser.invalid(
          "management-address", address, OptionsParser.expected("management-address"));
    }
    String port = source.apply("management-port");
    if (port == null || port.isBlank()) {
      if (address != null) {
        throw new OptionException(
            "--management-address: given without --management-port (expected: both, or"
                + " --management-port alone)");
      }
      return Management.OFF;
    }
    return new Management(
        parser.integer("management-port", -1, 0, 65535),
        address == null ? LOOPBACK : address.trim());
  }
}
