package dev.edge.edgefile;

import dev.edge.config.EdgeOptions.Scheduling;
import dev.edge.config.EdgeOptions.Transport;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The pool settings that {@code edge:} sets for every app and each app may override: transport,
 * scheduling policy, pool size and limits, timeouts, restart policy and health checks. Each
 * setting, and each component of a nested one, falls back to the level below when unset.
 */
final class PoolSection {

  /** The keys of pool settings, allowed under {@code edge:} and in each app. */
  static final List<String> KEYS =
      List.of(
          "transport",
          "scheduling",
          "workers",
          "maxInflight",
          "maxQueue",
          "startTimeout",
          "timeouts",
          "queueTimeout",
          "readTimeout",
          "restartPolicy",
          "healthCheck");

  /** The keys of a {@code timeouts:} block. */
  static final List<String> TIMEOUT_KEYS = List.of("connect", "read", "queue");

  private static final List<String> RESTART_KEYS = List.of("maxRestarts", "window");
  private static final List<String> HEALTH_KEYS =
      List.of("path", "interval", "timeout", "unhealthyThreshold");

  private PoolSection() {}

  /**
   * The settings in {@code fields} over {@code base}. A bad value is reported and {@code base}'s
   * value kept, so the caller can go on checking.
   */
  static AppDefaults read(Fields fields, AppDefaults base, Problems problems) {
    return new AppDefaults(
        choice(fields, "transport", Transport.class, base.transport(), problems),
        choice(fields, "scheduling", Scheduling.class, base.scheduling(), problems),
        integer(fields, "workers", 1, 256, base.workers(), problems),
        integer(fields, "maxInflight", 1, 10_000, base.maxInflight(), problems),
        integer(fields, "maxQueue", 0, 1_000_000, base.maxQueue(), problems),
        inherit(withShorthands(fields, problems), base.timeouts()),
        duration(fields, "startTimeout", base.startTimeout(), problems),
        restartPolicy(fields, base.restartPolicy(), problems),
        healthCheck(fields, base.healthCheck(), problems));
  }

  /**
   * The value of {@code key}, one of {@code type}'s constants written in lower case (any case is
   * accepted), or {@code base} when unset or bad (then reported).
   */
  private static <E extends Enum<E>> E choice(
      Fields fields, String key, Class<E> type, E base, Problems problems) {
    Node node = fields.get(key);
    if (node == null) {
      return base;
    }
    String expected =
        Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(" or "));
    String text = Values.string(node, fields.field(key), expected, problems);
    if (text == null) {
      return base;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(text)) {
        return constant;
      }
    }
    problems.value(node, fields.field(key), expected);
    return base;
  }

  /**
   * The components set in a {@code timeouts:} block; unset ones (and bad ones, which are reported)
   * are null. Null when the block is absent.
   */
  static Timeouts timeouts(Node node, String field, Problems problems) {
    if (node == null) {
      return null;
    }
    Fields fields =
        Fields.read(
            node, field, TIMEOUT_KEYS, "a mapping of connect, read and queue durations", problems);
    if (fields == null) {
      return null;
    }
    return new Timeouts(
        duration(fields, "connect", null, problems),
        duration(fields, "read", null, problems),
        duration(fields, "queue", null, problems));
  }

  /**
   * The {@code timeouts:} block with the shorthands {@code queueTimeout} and {@code readTimeout}
   * folded in; a shorthand and the block's component both set is a problem.
   */
  private static Timeouts withShorthands(Fields fields, Problems problems) {
    Timeouts block = timeouts(fields.get("timeouts"), fields.field("timeouts"), problems);
    Duration queue =
        shorthand(fields, "queueTimeout", "queue", block == null ? null : block.queue(), problems);
    Duration read =
        shorthand(fields, "readTimeout", "read", block == null ? null : block.read(), problems);
    if (block == null && queue == null && read == null) {
      return null;
    }
    return new Timeouts(block == null ? null : block.connect(), read, queue);
  }

  private static Duration shorthand(
      Fields fields, String key, String component, Duration fromBlock, Problems problems) {
    Node node = fields.get(key);
    if (node == null) {
      return fromBlock;
    }
    if (fromBlock != null) {
      problems.add(
          node,
          fields.field(key),
          "set twice: here and as timeouts." + component,
          "keep one of them");
      return fromBlock;
    }
    return Values.duration(node, fields.field(key), problems);
  }

  /** Each component of {@code over} that is set, else {@code base}'s; {@code over} may be null. */
  static Timeouts inherit(Timeouts over, Timeouts base) {
    if (over == null) {
      return base;
    }
    return new Timeouts(
        over.connect() != null ? over.connect() : base.connect(),
        over.read() != null ? over.read() : base.read(),
        over.queue() != null ? over.queue() : base.queue());
  }

  private static AppDef.RestartPolicy restartPolicy(
      Fields parent, AppDef.RestartPolicy base, Problems problems) {
    Fields fields =
        Fields.read(
            parent.get("restartPolicy"),
            parent.field("restartPolicy"),
            RESTART_KEYS,
            "a mapping with maxRestarts and window, e.g. {maxRestarts: 10, window: 60s}",
            problems);
    if (fields == null) {
      return base;
    }
    return new AppDef.RestartPolicy(
        integer(fields, "maxRestarts", 0, 1000, base.maxRestarts(), problems),
        duration(fields, "window", base.window(), problems));
  }

  private static AppDef.HealthCheck healthCheck(
      Fields parent, AppDef.HealthCheck base, Problems problems) {
    Fields fields =
        Fields.read(
            parent.get("healthCheck"),
            parent.field("healthCheck"),
            HEALTH_KEYS,
            "a mapping of path, interval, timeout and unhealthyThreshold",
            problems);
    if (fields == null) {
      return base;
    }
    String path = base.path();
    Node node = fields.get("path");
    if (node != null) {
      String expected = "a path starting with / (no query, no spaces)";
      String text = Values.string(node, fields.field("path"), expected, problems);
      if (text != null && RouteRules.isHealthPath(text)) {
        path = text;
      } else if (text != null) {
        problems.value(node, fields.field("path"), expected);
      }
    }
    return new AppDef.HealthCheck(
        path,
        duration(fields, "interval", base.interval(), problems),
        duration(fields, "timeout", base.timeout(), problems),
        integer(fields, "unhealthyThreshold", 1, 100, base.unhealthyThreshold(), problems));
  }

  private static int integer(
      Fields fields, String key, int min, int max, int fallback, Problems problems) {
    Node node = fields.get(key);
    Integer value =
        node == null ? null : Values.integer(node, fields.field(key), min, max, problems);
    return value == null ? fallback : value;
  }

  private static Duration duration(
      Fields fields, String key, Duration fallback, Problems problems) {
    Node node = fields.get(key);
    Duration value = node == null ? null : Values.duration(node, fields.field(key), problems);
    return value == null ? fallback : value;
  }
}
