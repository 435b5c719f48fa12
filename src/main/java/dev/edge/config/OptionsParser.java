package dev.edge.config;

import dev.edge.config.EdgeOptions.Scheduling;
import dev.edge.config.EdgeOptions.Transport;
import dev.edge.guard.GuardLimits;
import dev.edge.ratelimit.Cidr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Turns raw option values (from {@code --name=value}, {@code application.yml} or the environment,
 * as Spring resolves them) into {@link EdgeOptions}, or fails with an {@link OptionException} whose
 * message names the option, the value and what was expected.
 */
public final class OptionsParser {

  /** Every option the edge accepts, with its default and what it expects, for errors and help. */
  public static final List<Option> OPTIONS = OptionCatalog.ALL;

  /** Default JVM options of demo workers: small, fast-starting JVMs. */
  public static final String DEMO_JAVA_OPTIONS =
      "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx128m";

  private final Function<String, String> source;
  private final List<String> positional;

  /**
   * @param source resolves an option name to its raw value, or null when unset
   * @param positional the non-option command-line arguments
   */
  public OptionsParser(Function<String, String> source, List<String> positional) {
    this.source = source;
    this.positional = positional;
  }

  /** Rejects {@code --name} arguments that are not edge options (Spring's dotted keys pass). */
  public static void rejectUnknown(String[] args) {
    for (String arg : args) {
      if (!arg.startsWith("--")) {
        continue;
      }
      String name = arg.substring(2).split("=", 2)[0];
      if (name.contains(".") || OPTIONS.stream().anyMatch(o -> o.name().equals(name))) {
        continue;
      }
      throw new OptionException(
          "unknown option --"
              + name
              + " (expected one of: "
              + String.join(", ", OPTIONS.stream().map(o -> "--" + o.name()).toList())
              + ")");
    }
  }

  /** Parses and validates every option. */
  public EdgeOptions parse() {
    Path app = app();
    List<String> javaOptions =
        split(raw("worker-java-options", app == null ? DEMO_JAVA_OPTIONS : ""));
    Path socketDir = Path.of(raw("socket-dir", defaultSocketDir()));
    if (socketDir.toAbsolutePath().toString().length() > 60) {
      throw invalid(
          "socket-dir",
          socketDir.toString(),
          "a directory path of at most 60 characters, so socket paths stay under 100");
    }
    EdgeOptions options =
        new EdgeOptions(
            integer("http-port", 8080, 0, 65535),
            !bool("no-http", false),
            nonBlank("bind-address", "0.0.0.0"),
            app,
            integer("workers", Math.max(2, Runtime.getRuntime().availableProcessors()), 1, 256),
            integer("event-loops", defaultEventLoops(), 1, 256),
            integer("max-inflight", 32, 1, 10_000),
            integer("max-queue", 1000, 0, 1_000_000),
            millis("queue-timeout-ms", 30_000),
            millis("read-timeout-ms", 30_000),
            millis("start-timeout-ms", 60_000),
            socketDir.toAbsolutePath(),
            Path.of(
                    raw(
                        "cache-dir",
                        Path.of(System.getProperty("user.home"), ".cache", "edge").toString()))
                .toAbsolutePath(),
            choice("transport", "unix", Transport.class),
            choice("worker-scheduling", "batch", Scheduling.class),
            healthPath(),
            javaOptions,
            bool("json-logging", false),
            supervision(app),
            edgefile(app),
            adminToken(),
            !bool("no-access-log", false),
            !bool("no-metrics", false),
            integer("rate-limit", 0, 0, 1_000_000_000),
            Duration.ofMillis(integer("rate-limit-window-ms", 60_000, 1, 86_400_000)),
            trustedProxies(),
            guardLimits(),
            new Buffering(
                integer("request-buffer-kb", 64, 0, 1_048_576) * 1024,
                integer("response-buffer-kb", 64, 0, 1_048_576) * 1024,
                integer("response-buffer-max-mb", 1024, 1, 1_048_576) * 1024L * 1024L,
                Path.of(raw("buffer-dir", System.getProperty("java.io.tmpdir"))).toAbsolutePath()),
            !bool("no-fast-lane", false),
            new TlsOptions(this, source).https(),
            RealtimeOptions.parse(this, source),
            MdnsOptions.parse(source),
            ControlOptions.runDir(source),
            ManagementOptions.parse(this, source),
            MemoryOptions.parse(this));
    TlsOptions.listeners(options);
    return options;
  }

  /**
   * One event loop per two cores, rounded up, instead of Reactor Netty's default of at least 4. The
   * edge always shares its machine with its workers (by default one per core), so loops that want
   * every core only add context switches and tail latency: on 2 cores, one loop had the same
   * throughput as two and a third less p99 (bench/run.sh, PERFORMANCE.md). {@code
   * -Dreactor.netty.ioWorkerCount} still wins.
   */
  private static int defaultEventLoops() {
    String property = System.getProperty(EdgeOptions.EVENT_LOOPS_PROPERTY);
    if (property != null) {
      try {
        return Integer.parseInt(property.trim());
      } catch (NumberFormatException e) {
        throw invalid(
            "event-loops", property, "an integer 1-256 in -D" + EdgeOptions.EVENT_LOOPS_PROPERTY);
      }
    }
    return defaultEventLoops(Runtime.getRuntime().availableProcessors());
  }

  /** Half of {@code cores}, rounded up: 1 for 1 or 2 cores, 2 for 3 or 4, and so on. */
  static int defaultEventLoops(int cores) {
    return Math.max(1, (cores + 1) / 2);
  }

  private Path edgefile(Path app) {
    String value = source.apply("edgefile");
    if (value == null || value.isBlank()) {
      return null;
    }
    if (app != null) {
      throw invalid("edgefile", value, "either an Edgefile or an APP jar, not both");
    }
    Path path = Path.of(value).toAbsolutePath();
    if (!Files.isRegularFile(path)) {
      throw invalid("edgefile", value, expected("edgefile"));
    }
    return path;
  }

  static Path readableFile(String name, String value) {
    Path path = Path.of(value).toAbsolutePath();
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw invalid(name, value, expected(name));
    }
    return path;
  }

  private GuardLimits guardLimits() {
    return new GuardLimits(
        GuardLimits.DEFAULT_MAX_REQUEST_TARGET,
        integer("max-header-bytes", GuardLimits.DEFAULT_MAX_HEADER_BYTES, 1024, 1_048_576),
        millis("header-timeout-ms", 10_000),
        Duration.ofMillis(integer("idle-timeout-ms", 60_000, 1, 86_400_000)),
        millis("body-idle-timeout-ms", 30_000),
        integer("max-body-mb", 10, 0, 1_048_576) * 1024L * 1024L,
        integer("max-connections-per-client", 0, 0, 1_000_000),
        bool("hsts", false),
        millis("request-timeout-ms", 60_000));
  }

  private List<Cidr> trustedProxies() {
    String value = source.apply("trusted-proxies");
    if (value == null || value.isBlank()) {
      return List.of();
    }
    List<Cidr> networks = new ArrayList<>();
    for (String part : value.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        networks.add(Cidr.parse(part.trim()));
      } catch (IllegalArgumentException e) {
        throw new OptionException("--trusted-proxies: " + e.getMessage());
      }
    }
    return List.copyOf(networks);
  }

  private String adminToken() {
    String value = source.apply("admin-token");
    if (value == null) {
      value = source.apply("edge.admin-token");
    }
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.length() < 16 || value.chars().anyMatch(Character::isWhitespace)) {
      throw invalid("admin-token", "(" + value.length() + " characters)", expected("admin-token"));
    }
    return value;
  }

  private Supervision supervision(Path app) {
    String watch = source.apply("watch");
    List<String> watched =
        watch == null
            ? (app == null ? List.of() : List.of(app.toString()))
            : Arrays.stream(watch.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    return new Supervision(
        millis("health-interval-ms", 5_000),
        millis("health-timeout-ms", 2_000),
        integer("health-failures", 3, 1, 100),
        integer("max-restarts", 10, 0, 1000),
        millis("restart-window-ms", 60_000),
        integer("max-requests", 0, 0, 1_000_000_000),
        Duration.ofMillis(integer("max-age-ms", 0, 0, 604_800_000)),
        millis("drain-timeout-ms", 30_000),
        integer("roll-parallelism", Runtime.getRuntime().availableProcessors(), 1, 256),
        watched,
        millis("watch-debounce-ms", 300),
        millis("shutdown-grace-ms", 30_000));
  }

  private boolean bool(String name, boolean fallback) {
    return bool(source, name, fallback);
  }

  /** A boolean option: absent gives {@code fallback}; bare {@code --name} is true. */
  static boolean bool(Function<String, String> source, String name, boolean fallback) {
    String value = source.apply(name);
    if (value == null) {
      return fallback;
    }
    if (value.isEmpty() || value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw invalid(name, value, expected(name));
  }

  private Path app() {
    if (positional.size() > 1) {
      throw new OptionException("APP: " + positional + " (expected: at most one app jar)");
    }
    String value = positional.isEmpty() ? source.apply("app") : positional.get(0);
    if (value == null || value.isBlank()) {
      return null;
    }
    Path path = Path.of(value).toAbsolutePath();
    if (!Files.isRegularFile(path)) {
      throw invalid("app", value, expected("app"));
    }
    return path;
  }

  /** An option whose value names one of {@code type}'s constants, in any case. */
  private <E extends Enum<E>> E choice(String name, String fallback, Class<E> type) {
    String value = raw(name, fallback);
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid(name, value, expected(name));
    }
  }

  private String healthPath() {
    String value = raw("health-path", "/ready");
    if (!value.startsWith("/") || value.contains(" ") || value.contains("?")) {
      throw invalid("health-path", value, expected("health-path"));
    }
    return value;
  }

  int integer(String name, int fallback, int min, int max) {
    String value = source.apply(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(name, value, expected(name));
  }

  private Duration millis(String name, int fallback) {
    return Duration.ofMillis(integer(name, fallback, 1, 3_600_000));
  }

  private String nonBlank(String name, String fallback) {
    String value = raw(name, fallback);
    if (value.isBlank()) {
      throw invalid(name, value, "a non-empty value");
    }
    return value.trim();
  }

  String raw(String name, String fallback) {
    String value = source.apply(name);
    return value == null ? fallback : value;
  }

  private static List<String> split(String options) {
    return new ArrayList<>(Arrays.asList(options.trim().split("\\s+")))
        .stream().filter(s -> !s.isEmpty()).toList();
  }

  private static String defaultSocketDir() {
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir"), "edge-" + user).toString();
  }

  static String expected(String name) {
    return OPTIONS.stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow().expected();
  }

  static OptionException invalid(String name, String value, String expected) {
    return new OptionException(
        "--" + name + ": \"" + value + "\" is not valid (expected: " + expected + ")");
  }

  /**
   * One option.
   *
   * @param name the name as written after {@code --}
   * @param defaultValue the default, as shown to users
   * @param expected what a valid value looks like
   */
  public record Option(String name, String defaultValue, String expected) {}
}
