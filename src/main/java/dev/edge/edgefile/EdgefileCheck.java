package dev.edge.edgefile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code java -jar edge.jar check [PATH]}: validates an Edgefile without starting anything. Exit
 * status 0 when it is valid (one summary line on stdout), 1 when it has problems (one line each on
 * stderr, then a count), 2 when there is no file to check or the arguments are wrong.
 */
public final class EdgefileCheck {

  /** Exit status of a valid Edgefile. */
  public static final int OK = 0;

  /** Exit status of an Edgefile with problems. */
  public static final int INVALID = 1;

  /** Exit status when there is nothing to check (no file, unreadable, bad arguments). */
  public static final int USAGE = 2;

  private static final String USAGE_LINE = "usage: edge check [PATH]";

  private EdgefileCheck() {}

  /**
   * Runs the check in the working directory.
   *
   * @param args the arguments after {@code check} (a leading {@code check} is skipped): at most one
   *     path
   * @param defaults the values the Edgefile's {@code edge:} block starts from
   * @return the exit status
   */
  public static int run(List<String> args, AppDefaults defaults, PrintStream out, PrintStream err) {
    return run(args, Path.of("").toAbsolutePath(), defaults, out, err);
  }

  /** Runs the check with relative paths resolved against {@code cwd}. */
  static int run(
      List<String> args, Path cwd, AppDefaults defaults, PrintStream out, PrintStream err) {
    List<String> rest =
        !args.isEmpty() && args.get(0).equals("check") ? args.subList(1, args.size()) : args;
    if (rest.size() == 1 && (rest.get(0).equals("--help") || rest.get(0).equals("-h"))) {
      out.println(USAGE_LINE);
      return OK;
    }
    if (rest.size() > 1 || (rest.size() == 1 && rest.get(0).startsWith("-"))) {
      err.println("edge: " + String.join(" ", rest) + ": unexpected (" + USAGE_LINE + ")");
      return USAGE;
    }
    String given = rest.isEmpty() ? null : rest.get(0);
    Optional<Path> file;
    try {
      file = EdgefileLocator.find(cwd, given == null ? null : Path.of(given));
    } catch (InvalidPathException e) {
      file = Optional.empty();
    }
    if (file.isEmpty()) {
      err.println(
          given != null
              ? "edge: no Edgefile at " + given
              : "edge: no Edgefile found: looked for ./Edgefile and ./config/Edgefile"
                  + " (or give its path: edge check PATH)");
      return USAGE;
    }
    String source = given != null ? given : cwd.relativize(file.get()).toString();
    EdgefileReader.Result result;
    try {
      result = EdgefileReader.read(file.get(), defaults);
    } catch (IOException e) {
      err.println("edge: cannot read " + source + ": " + e.getMessage());
      return USAGE;
    }
    if (!result.ok()) {
      result.problems().forEach(problem -> err.println(problem.format(source)));
      err.println(count(result.problems().size(), "problem") + " in " + source);
      return INVALID;
    }
    out.println(source + " OK (version " + result.version() + "): " + summary(result.config()));
    return OK;
  }

  private static String summary(EdgeConfig config) {
    int hosts = config.sites().values().stream().mapToInt(s -> s.hosts().size()).sum();
    int routes = config.sites().values().stream().mapToInt(s -> s.routes().size()).sum();
    return String.join(
        ", ",
        count(config.apps().size(), "app"),
        count(config.sites().size(), "site"),
        count(hosts, "host"),
        count(routes, "route"));
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
