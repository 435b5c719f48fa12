package dev.edge.runtime;

import dev.edge.config.EdgeOptions;
import dev.edge.config.OptionException;
import dev.edge.edgefile.AppDef;
import dev.edge.edgefile.AppDefaults;
import dev.edge.edgefile.BodyBuffering;
import dev.edge.edgefile.EdgeConfig;
import dev.edge.edgefile.EdgeConfig.Route;
import dev.edge.edgefile.EdgeConfig.Site;
import dev.edge.edgefile.EdgeTls;
import dev.edge.edgefile.EdgefileLocator;
import dev.edge.edgefile.EdgefileReader;
import dev.edge.edgefile.HeaderRules;
import dev.edge.edgefile.Limits;
import dev.edge.edgefile.PathPattern;
import dev.edge.edgefile.Problem;
import dev.edge.edgefile.RouteAction;
import dev.edge.edgefile.SiteRealtime;
import dev.edge.edgefile.SiteTls;
import dev.edge.edgefile.Timeouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where the edge's config comes from: the Edgefile ({@code --edgefile}, else {@code ./Edgefile},
 * else {@code ./config/Edgefile}), or, when an APP jar is given or no Edgefile exists, one app
 * built from the command line that takes every request on every host.
 */
public final class ConfigSource {

  /** The version of the command-line config. */
  public static final String CLI_VERSION = "cli";

  private final EdgeOptions options;
  private final Path edgefile;

  private ConfigSource(EdgeOptions options, Path edgefile) {
    this.options = options;
    this.edgefile = edgefile;
  }

  /** Resolves where the config comes from; {@code cwd} is where relative lookups start. */
  public static ConfigSource resolve(EdgeOptions options, Path cwd) {
    Path file =
        options.app() != null
            ? null
            : EdgefileLocator.find(cwd, options.edgefile()).map(Path::toAbsolutePath).orElse(null);
    return new ConfigSource(options, file);
  }

  /** The Edgefile, or null in single-app mode. */
  public Path edgefile() {
    return edgefile;
  }

  /** The defaults an Edgefile starts from: the command-line options. */
  public AppDefaults defaults() {
    return new AppDefaults(
        options.transport(),
        options.workerScheduling(),
        options.workers(),
        options.maxInflight(),
        options.maxQueue(),
        new Timeouts(
            AppDefaults.builtIn().timeouts().connect(),
            options.readTimeout(),
            options.queueTimeout()),
        options.startTimeout(),
        new AppDef.RestartPolicy(
            options.supervision().maxRestarts(), options.supervision().restartWindow()),
        new AppDef.HealthCheck(
            options.healthPath(),
            options.supervision().healthInterval(),
            options.supervision().healthTimeout(),
            options.supervision().healthFailures()));
  }

  /**
   * Loads the config at start-up.
   *
   * @throws OptionException listing every problem of an invalid Edgefile, one per line, or every
   *     file or directory it names that does not exist
   */
  public LoadedConfig loadAtStart() {
    if (edgefile == null) {
      return new LoadedConfig(singleApp(), CLI_VERSION, null);
    }
    EdgefileReader.Result result = read();
    if (!result.ok()) {
      throw new OptionException(problemsText(result.problems()));
    }
    List<String> missing = Preflight.missing(result.config());
    if (!missing.isEmpty()) {
      throw new OptionException(
          "Edgefile "
              + edgefile
              + " names what does not exist:\n  "
              + String.join("\n  ", missing));
    }
    return new LoadedConfig(result.config(), result.version(), edgefile);
  }

  /** Reads and validates the Edgefile again (a reload). */
  EdgefileReader.Result read() {
    try {
      return EdgefileReader.read(edgefile, defaults());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + edgefile, e);
    }
  }

  /** Problems as lines, prefixed with the file name. */
  String problemsText(List<Problem> problems) {
    String name = edgefile.getFileName().toString();
    return "Edgefile "
        + edgefile
        + " has "
        + problems.size()
        + (problems.size() == 1 ? " problem" : " problems")
        + ":\n"
        + problems.stream().map(p -> "  " + p.format(name)).collect(Collectors.joining("\n"));
  }

  private EdgeConfig singleApp() {
    AppDefaults defaults = defaults();
    AppDef.Launch launch =
        options.app() == null
            ? new AppDef.Launch.Builtin("demo")
            : new AppDef.Launch.Jar(options.app());
    AppDef app =
        new AppDef(
            options.appId(),
            launch,
            options.transport(),
            options.workerScheduling(),
            options.workers(),
            options.maxInflight(),
            options.maxQueue(),
            defaults.timeouts(),
            options.startTimeout(),
            options.workerJavaOptions(),
            Map.of(),
            defaults.restartPolicy(),
            defaults.healthCheck(),
            options.supervision().watch());
    Route everything =
        new Route(
            "command line",
            0,
            new PathPattern("", true),
            List.of(),
            0,
            new RouteAction.ToApp(app.id()),
            HeaderRules.NONE,
            defaults.timeouts(),
            Limits.NONE,
            BodyBuffering.BOTH);
    return new EdgeConfig(
        1,
        Map.of(app.id(), app),
        Map.of(
            "default",
            new Site(
                "default", List.of("*"), List.of(everything), SiteTls.NONE, SiteRealtime.NONE)),
        EdgeTls.NONE);
  }
}
