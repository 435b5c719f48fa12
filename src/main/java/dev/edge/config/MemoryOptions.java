package dev.edge.config;

import java.time.Duration;
import java.util.List;

/** Reads {@code --memory-release-idle-ms} into {@link Memory}. */
final class MemoryOptions {

  /** The options this class reads, for {@link OptionsParser#OPTIONS}. */
  static final List<OptionsParser.Option> OPTIONS =
      List.of(
          new OptionsParser.Option(
              "memory-release-idle-ms",
              "10000",
              "0 (never release) or milliseconds 1000-3600000 of idleness"));

  private MemoryOptions() {}

  static Memory parse(OptionsParser parser) {
    int millis = parser.integer("memory-release-idle-ms", 10_000, 0, 3_600_000);
    if (millis != 0 && millis < 1000) {
      throw OptionsParser.invalid(
          "memory-release-idle-ms",
          Integer.toString(millis),
          OptionsParser.expected("memory-release-idle-ms"));
    }
    return new Memory(Duration.ofMillis(millis));
  }
}
