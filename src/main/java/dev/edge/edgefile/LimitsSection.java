package dev.edge.edgefile;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A {@code limits:} block of a site or route: {@code maxBody}, {@code rateLimit}, {@code window}.
 */
final class LimitsSection {

  static final List<String> KEYS = List.of("maxBody", "rateLimit", "rateLimitWindow");

  static final String SIZE = "a size: bytes, or a number with kb, mb or gb (1024-based), e.g. 2mb";

  private static final Pattern SIZE_TEXT = Pattern.compile("(\\d{1,12})\\s*(b|kb|mb|gb)?");
  private static final long MAX_SIZE = 1L << 40;

  private LimitsSection() {}

  /** The limits at {@code node}; {@link Limits#NONE} when absent or bad (bad ones are reported). */
  static Limits read(Node node, String field, Problems problems) {
    if (node == null) {
      return Limits.NONE;
    }
    Fields fields =
        Fields.read(
            node, field, KEYS, "a mapping of maxBody, rateLimit and rateLimitWindow", problems);
    if (fields == null) {
      return Limits.NONE;
    }
    long maxBody = -1;
    if (fields.has("maxBody")) {
      Long size = size(fields.get("maxBody"), fields.field("maxBody"), problems);
      maxBody = size == null ? -1 : size;
    }
    int rate = 0;
    if (fields.has("rateLimit")) {
      Integer value =
          Values.integer(
              fields.get("rateLimit"),
              fields.field("rateLimit"),
              1,
              1_000_000_000,
              "requests per window per client address, 1-1000000000",
              problems);
      rate = value == null ? 0 : value;
    }
    Duration window = Limits.NONE.rateLimitWindow();
    if (fields.has("rateLimitWindow")) {
      Duration value =
          Values.duration(fields.get("rateLimitWindow"), fields.field("rateLimitWindow"), problems);
      window = value == null ? window : value;
      if (!fields.has("rateLimit")) {
        problems.add(
            fields.get("rateLimitWindow"),
            fields.field("rateLimitWindow"),
            "a window without a rateLimit",
            "add rateLimit: N, or remove rateLimitWindow");
      }
    }
    return new Limits(maxBody, rate, window);
  }

  private static Long size(Node node, String field, Problems problems) {
    String text = node instanceof ScalarNode scalar ? scalar.getValue() : null;
    Matcher matcher = text == null ? null : SIZE_TEXT.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (matcher == null || !matcher.matches()) {
      problems.value(node, field, SIZE);
      return null;
    }
    long number = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "b" : matcher.group(2);
    long bytes =
        switch (unit) {
          case "kb" -> number << 10;
          case "mb" -> number << 20;
          case "gb" -> number << 30;
          default -> number;
        };
    if (number > MAX_SIZE || bytes > MAX_SIZE) {
      problems.value(node, field, "a size up to 1024gb");
      return null;
    }
    return bytes;
  }
}
