package dev.edge.config;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * Reads {@code --run-dir}: where the edge keeps its control socket and pid file ({@code
 * edge-<port>.sock}, {@code edge-<port>.pid}), and where the command-line client looks for them.
 */
public final class ControlOptions {

  /** Longest run directory accepted, so {@code <run-dir>/edge-<port>.sock} stays a valid path. */
  static final int MAX_LENGTH = 80;

  private ControlOptions() {}

  static Path runDir(Function<String, String> source) {
    String value = source.apply("run-dir");
    Path dir =
        (value == null || value.isBlank() ? defaultRunDir() : Path.of(value)).toAbsolutePath();
    if (dir.toString().length() > MAX_LENGTH) {
      throw OptionsParser.invalid("run-dir", dir.toString(), OptionsParser.expected("run-dir"));
    }
    return dir;
  }

  /**
   * {@code $XDG_RUNTIME_DIR/edge} when that variable is set, else {@code
   * <java.io.tmpdir>/edge-<user>} (the worker sockets' default parent too).
   */
  public static Path defaultRunDir() {
    String xdg = System.getenv("XDG_RUNTIME_DIR");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "edge");
    }
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir"), "edge-" + user);
  }
}
