package dev.edge.edgefile;

import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Typed reads of scalar values (strings, integers, durations, lists) and name rules. */
final class Values {

  /** What a duration looks like, for messages. */
  static final String DURATION =
      "a duration from 1ms to 1h: milliseconds (500) or a number with ms, s, m or h"
          + " (250ms, 30s, 5m, 1h)";

  /** App ids and site names. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  /** Longest app id or site name. */
  static final int NAME_MAX = 40;

  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern DURATION_TEXT = Pattern.compile("([0-9]+)(ms|s|m|h)");
  private static final Pattern DECIMAL_DURATION =
      Pattern.compile("([0-9]{1,9}\\.[0-9]{1,9})(ms|s|m|h)");
  private static final long MAX_MILLIS = 3_600_000;

  private Values() {}

  /**
   * A scalar's text (an empty value reads as ""); a list or mapping is reported as {@code value
   * "..." (expected: <expected>)} and gives null.
   */
  static String string(Node node, String field, String expected, Problems problems) {
    if (node instanceof ScalarNode scalar) {
      return YamlTree.isNull(node) ? "" : scalar.getValue();
    }
    problems.value(node, field, expected);
    return null;
  }

  /** An integer from {@code min} to {@code max} (quoted digits are accepted), or null. */
  static Integer integer(Node node, String field, int min, int max, Problems problems) {
    return integer(node, field, min, max, "an integer " + min + "-" + max, problems);
  }

  /** An integer from {@code min} to {@code max}, or null with {@code expected} reported. */
  static Integer integer(
      Node node, String field, int min, int max, String expected, Problems problems) {
    if (node instanceof ScalarNode scalar) {
      String text = scalar.getValue().trim();
      if (INTEGER.matcher(text).matches() && text.length() < 12) {
        long value = Long.parseLong(text);
        if (value >= min && value <= max) {
          return (int) value;
        }
      }
    }
    problems.value(node, field, expected);
    return null;
  }

  /** What a boolean looks like, for messages. */
  static final String BOOLEAN = "true or false";

  /**
   * {@code true} or {@code false} (any case, quoted or not), or null reported as {@code value "..."
   * (expected: true or false)}; the usual stand-ins ({@code yes}, {@code on}, {@code 1} and their
   * opposites) get a hint with the word to write instead.
   */
  static Boolean bool(Node node, String field, Problems problems) {
    String text = node instanceof ScalarNode scalar ? scalar.getValue().trim() : null;
    if ("true".equalsIgnoreCase(text)) {
      return true;
    }
    if ("false".equalsIgnoreCase(text)) {
      return false;
    }
    String hint =
        switch (text == null ? "" : text.toLowerCase(Locale.ROOT)) {
          case "yes", "y", "on", "1" -> Suggestions.didYouMean("true");
          case "no", "n", "off", "0" -> Suggestions.didYouMean("false");
          default -> null;
        };
    problems.value(node, field, BOOLEAN, hint);
    return null;
  }

  /** A duration: milliseconds or {@code <int>ms|s|m|h}, 1 ms to 1 h; or null. */
  static Duration duration(Node node, String field, Problems problems) {
    String text = node instanceof ScalarNode scalar ? scalar.getValue() : null;
    Duration duration = text == null ? null : parseDuration(text);
    if (duration == null) {
      problems.value(node, field, DURATION, text == null ? null : durationHint(text));
    }
    return duration;
  }

  /**
   * A fix for a duration that is not valid: the same without spaces or in lower case, a decimal
   * written in a smaller unit, or the allowed range; null when none applies.
   */
  static String durationHint(String text) {
    String compact = text.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    if (!compact.equals(text) && parseDuration(compact) != null) {
      return Suggestions.didYouMean(compact);
    }
    Matcher decimal = DECIMAL_DURATION.matcher(compact);
    if (decimal.matches()) {
      BigDecimal millis =
          new BigDecimal(decimal.group(1))
              .multiply(BigDecimal.valueOf(unitMillis(decimal.group(2))));
      if (millis.stripTrailingZeros().scale() <= 0
          && millis.longValue() >= 1
          && millis.longValue() <= MAX_MILLIS) {
        return "whole numbers only: "
            + Suggestions.didYouMean(format(Duration.ofMillis(millis.longValue())));
      }
    }
    Matcher m = DURATION_TEXT.matcher(compact);
    if (INTEGER.matcher(compact).matches() || (m.matches() && m.group(1).length() <= 9)) {
      return "durations are at least 1ms and at most 1h";
    }
    return null;
  }

  private static Duration parseDuration(String text) {
    long millis;
    if (INTEGER.matcher(text).matches() && text.length() < 12) {
      millis = Long.parseLong(text);
    } else {
      Matcher m = DURATION_TEXT.matcher(text);
      if (!m.matches() || m.group(1).length() > 9) {
        return null;
      }
      millis = Long.parseLong(m.group(1)) * unitMillis(m.group(2));
    }
    return millis >= 1 && millis <= MAX_MILLIS ? Duration.ofMillis(millis) : null;
  }

  private static long unitMillis(String unit) {
    return switch (unit) {
      case "ms" -> 1;
      case "s" -> 1000;
      case "m" -> 60_000;
      default -> 3_600_000;
    };
  }

  /** A duration as the shortest exact text: {@code 1h}, {@code 5m}, {@code 30s}, {@code 250ms}. */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }

  /** The items of a list; an empty value is an empty list; anything else is reported, null. */
  static List<Node> list(Node node, String field, String expected, Problems problems) {
    if (node instanceof SequenceNode sequence) {
      return sequence.getValue();
    }
    if (YamlTree.isNull(node)) {
      return List.of();
    }
    problems.value(node, field, expected);
    return null;
  }

  /**
   * A list of non-empty strings, or null when the list or any item is wrong (each reported at its
   * item, e.g. {@code apps.api.javaOptions[1]}).
   */
  static List<String> strings(
      Node node, String field, String expected, String itemExpected, Problems problems) {
    List<Node> items = list(node, field, expected, problems);
    if (items == null) {
      return null;
    }
    List<String> values = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      Node item = items.get(i);
      String value = item instanceof ScalarNode scalar ? scalar.getValue() : null;
      if (value == null || YamlTree.isNull(item) || value.isBlank() || hasControl(value)) {
        problems.value(item, field + "[" + i + "]", itemExpected);
        ok = false;
      } else {
        values.add(value);
      }
    }
    return ok ? values : null;
  }

  /** Whether {@code text} contains CR, LF, NUL or another control character except tab. */
  static boolean hasControl(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code text} is an RFC 9110 token (method and header names). */
  static boolean isToken(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code text} as an absolute, normalized path, relative ones resolved against {@code baseDir};
   * null when it is not a path. Glob characters and a trailing {@code *} are kept as they are.
   */
  static String resolve(String text, Path baseDir) {
    if (text.isBlank() || hasControl(text)) {
      return null;
    }
    try {
      return baseDir.resolve(text).normalize().toString();
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /** Whether {@code name} is a valid app id or site name. */
  static boolean isName(String name) {
    return name.length() <= NAME_MAX && NAME.matcher(name).matches();
  }
}
