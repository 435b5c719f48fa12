package dev.edge.config;

import java.time.Duration;
import java.util.function.Function;

/** Reads the {@code --realtime-*} and {@code --publish-secret} options into {@link Realtime}. */
final class RealtimeOptions {

  private RealtimeOptions() {}

  static Realtime parse(OptionsParser parser, Function<String, String> source) {
    String path = parser.raw("realtime-path", "/realtime");
    if (!path.startsWith("/") || path.length() < 2 || path.contains("?") || path.contains(" ")) {
      throw OptionsParser.invalid("realtime-path", path, OptionsParser.expected("realtime-path"));
    }
    String secret = source.apply("publish-secret");
    if (secret == null) {
      secret = System.getenv("EDGE_PUBLISH_SECRET");
    }
    if (secret != null && secret.isEmpty()) {
      secret = null;
    }
    if (secret != null
        && (secret.length() < 16 || secret.chars().anyMatch(Character::isWhitespace))) {
      throw OptionsParser.invalid(
          "publish-secret",
          "(" + secret.length() + " characters)",
          OptionsParser.expected("publish-secret"));
    }
    return new Realtime(
        path,
        parser.integer("realtime-send-queue", 1024, 1, 1_000_000),
        parser.integer("realtime-send-queue-kb", 1024, 1, 1_048_576) * 1024L,
        parser.integer("realtime-max-frame-kb", 64, 1, 16_384) * 1024,
        parser.integer("realtime-max-clients", 10_000, 1, 1_000_000),
        parser.integer("realtime-max-per-address", 0, 0, 1_000_000),
        parser.integer("realtime-message-rate", 100, 1, 1_000_000),
        parser.integer("realtime-event-queue", 1000, 1, 1_000_000),
        Duration.ofMillis(parser.integer("realtime-ping-ms", 30_000, 100, 3_600_000)),
        secret);
  }
}
