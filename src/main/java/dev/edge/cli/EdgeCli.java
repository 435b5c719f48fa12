package dev.edge.cli;

import dev.edge.config.ControlOptions;
import dev.edge.control.RunDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar edge.jar COMMAND [options]}: drives a running edge through its control socket,
 * without starting Spring or Netty. Commands: {@code status}, {@code list}, {@code logs APP [-f]
 * [--worker=N] [--lines=N] [--since=SEQ]}, {@code events [-f] [--since=N]}, {@code restart APP},
 * {@code app-stop APP}, {@code app-start APP}, {@code reload}, {@code stop [--timeout=S]}. The edge
 * is found in {@code --run-dir} (the edge's default), or named with {@code --socket=PATH}. Human
 * output by default, the API's JSON with {@code --json}.
 *
 * <p>Exit status: 0 done; 1 the operation failed (its reason on stderr); 2 bad usage, or several
 * edges running and no {@code --socket}; 3 no running edge (one line on stderr).
 */
public final class EdgeCli {

  /** The commands; any other first argument starts an edge. */
  public static final Set<String> COMMANDS =
      Set.of(
          "status", "list", "logs", "events", "restart", "app-stop", "app-start", "reload", "stop");

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int NO_EDGE = 3;

  private static final Set<String> OPTIONS =
      Set.of("run-dir", "socket", "json", "follow", "worker", "since", "lines", "timeout");

  private final PrintStream out;
  private final PrintStream err;

  private EdgeCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs {@code args} (the command first); returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return new EdgeCli(out, err).run(args);
  }

  private int run(String[] args) {
    String command = args[0];
    Map<String, String> options = new HashMap<>();
    List<String> positional = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-f")) {
        options.put("follow", "");
      } else if (arg.startsWith("--")) {
        String[] pair = arg.substring(2).split("=", 2);
        if (!OPTIONS.contains(pair[0])) {
          return usage("unknown option " + arg + " for " + command);
        }
        options.put(pair[0], pair.length > 1 ? pair[1] : "");
      } else {
        positional.add(arg);
      }
    }
    boolean needsApp = Set.of("logs", "restart", "app-stop", "app-start").contains(command);
    if (positional.size() != (needsApp ? 1 : 0)) {
      return usage(command + (needsApp ? " takes one APP" : " takes no arguments"));
    }
    String app = needsApp ? positional.get(0) : null;
    Path socket;
    try {
      socket = find(options);
    } catch (Located e) {
      return e.status;
    }
    Commands commands =
        new Commands(new ControlClient(socket), JsonMapper.builder().build(), out, err);
    commands.json = options.containsKey("json");
    try {
      return switch (command) {
        case "status" -> commands.status();
        case "list" -> commands.list();
        case "logs" ->
            commands.logs(
                app,
                options.containsKey("follow"),
                number(options, "worker"),
                number(options, "lines"),
                number(options, "since"));
        case "events" -> commands.events(options.containsKey("follow"), number(options, "since"));
        case "restart" -> commands.restart(app);
        case "app-stop" -> commands.appStop(app);
        case "app-start" -> commands.appStart(app);
        case "reload" -> commands.reload();
        default -> commands.stop(number(options, "timeout"));
      };
    } catch (NumberFormatException e) {
      return usage(e.getMessage());
    } catch (ControlClient.Unreachable e) {
      err.println("edge: no running edge at " + socket + " (" + reasonOf(e) + ")");
      return NO_EDGE;
    } catch (IOException | RuntimeException e) {
      err.println("edge: " + command + " failed: " + e.getMessage());
      return FAILED;
    }
  }

  /** The control socket to use, or a {@link Located} carrying the exit status after a message. */
  private Path find(Map<String, String> options) throws Located {
    String given = options.get("socket");
    if (given != null) {
      Path socket = Path.of(given).toAbsolutePath();
      if (!Files.exists(socket)) {
        err.println("edge: no running edge at " + socket + " (no such socket)");
        throw new Located(NO_EDGE);
      }
      return socket;
    }
    String dirOption = options.get("run-dir");
    Path dir =
        (dirOption == null || dirOption.isBlank()
                ? ControlOptions.defaultRunDir()
                : Path.of(dirOption))
            .toAbsolutePath();
    List<RunDirectory.Entry> running;
    try {
      running = RunDirectory.running(dir);
    } catch (IOException e) {
      err.println("edge: no running edge in " + dir + " (" + e.getMessage() + ")");
      throw new Located(NO_EDGE);
    }
    if (running.isEmpty()) {
      err.println("edge: no running edge in " + dir);
      throw new Located(NO_EDGE);
    }
    if (running.size() > 1) {
      err.println(
          "edge: " + running.size() + " edges are running in " + dir + "; pick one with --socket:");
      for (RunDirectory.Entry edge : running) {
        err.println("  --socket=" + edge.socket() + "  (pid " + edge.pid() + ")");
      }
      throw new Located(USAGE);
    }
    return running.get(0).socket();
  }

  private int usage(String problem) {
    err.println("edge: " + problem + " (see java -jar edge.jar --help)");
    return USAGE;
  }

  private static long number(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      return -1;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed >= 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new NumberFormatException("--" + name + ": \"" + value + "\" is not a whole number >= 0");
  }

  private static String reasonOf(IOException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** Where finding the edge ended early, with the exit status (the message is printed). */
  private static final class Located extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Located(int status) {
      super(null, null, false, false);
      this.status = status;
    }
  }

  /** The {@code --help} lines for the commands. */
  public static String usage() {
    return "       java -jar edge.jar status|list|reload [--json]\n"
        + "       java -jar edge.jar logs APP [-f] [--worker=N] [--lines=N] [--since=SEQ] [--json]\n"
        + "       java -jar edge.jar events [-f] [--since=SEQ] [--json]\n"
        + "       java -jar edge.jar restart|app-stop|app-start APP [--json]\n"
        + "       java -jar edge.jar stop [--timeout=SECONDS] [--json]\n"
        + "         (commands find the running edge in --run-dir, or use --socket=PATH)\n";
  }
}
