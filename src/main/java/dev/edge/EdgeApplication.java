package dev.edge;

import dev.edge.cli.EdgeCli;
import dev.edge.config.EdgeOptions;
import dev.edge.config.OptionException;
import dev.edge.config.OptionsParser;
import dev.edge.config.OptionsParser.Option;
import dev.edge.edgefile.AppDefaults;
import dev.edge.edgefile.EdgefileCheck;
import dev.edge.manage.ManagementMode;
import dev.edge.runtime.ConfigSource;
import dev.edge.runtime.LoadedConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.jvm.JvmMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.system.SystemMetricsAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code java -jar edge.jar [options] [APP]}: validates the options (a bad one prints one line and
 * exits 2), then starts the Spring context that {@link EdgeWiring} fills: a plain one, with no web
 * server, unless {@code --management-port} asks for the management listener ({@link
 * ManagementMode}).
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@Import(EdgeWiring.class)
@ImportAutoConfiguration({
  MetricsAutoConfiguration.class,
  CompositeMeterRegistryAutoConfiguration.class,
  PrometheusMetricsExportAutoConfiguration.class,
  JvmMetricsAutoConfiguration.class,
  SystemMetricsAutoConfiguration.class
})
public class EdgeApplication {

  /** Exit status for a bad option or a missing app jar. */
  public static final int EXIT_USAGE = 2;

  /** Netty's buffer-leak detector level, a system property read once when Netty starts. */
  static final String LEAK_DETECTION = "io.netty.leakDetection.level";

  /** Entry point. */
  public static void main(String[] args) {
    // Netty's default leak detector records a stack trace for one buffer in 128: about 1 us of
    // the edge's 17 per /hello request (6 % of its throughput, bench/run.sh on 2026-12-02). Off
    // unless asked for with -Dio.netty.leakDetection.level; the test suite runs with it on.
    if (System.getProperty(LEAK_DETECTION) == null) {
      System.setProperty(LEAK_DETECTION, "disabled");
    }
    PrintStream out = System.out;
    if (Arrays.asList(args).contains("--help")) {
      out.print(usage());
      return;
    }
    if (args.length > 0 && EdgeCli.COMMANDS.contains(args[0])) {
      System.exit(EdgeCli.run(args, out, System.err)); // no Spring: the client starts fast
    }
    if (args.length > 0 && args[0].equals("check")) {
      System.exit(
          EdgefileCheck.run(
              Arrays.asList(args).subList(1, args.length), AppDefaults.builtIn(), out, System.err));
    }
    try {
      OptionsParser.rejectUnknown(args);
    } catch (OptionException e) {
      failUsage(e);
    }
    OptionsListener options = new OptionsListener();
    SpringApplication app = new SpringApplication(EdgeApplication.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setLogStartupInfo(false);
    app.addListeners(options);
    app.addInitializers(
        context -> {
          context.getBeanFactory().registerSingleton("edgeOptions", options.parsed);
          context.getBeanFactory().registerSingleton("configSource", options.source);
          context.getBeanFactory().registerSingleton("initialConfig", options.initial);
        });
    if (Arrays.stream(args)
        .anyMatch(arg -> arg.equals("--json-logging") || arg.equals("--json-logging=true"))) {
      app.setDefaultProperties(Map.of("logging.structured.format.console", "ecs"));
    }
    ConfigurableApplicationContext context = app.run(args);
    installSignals(context);
  }

  /**
   * SIGTERM and SIGINT (and {@code POST /control/stop}): graceful shutdown (see {@link
   * EdgeServer#stop()}), then exit 0. SIGHUP: reload the Edgefile. SIGUSR1: rolling restart of
   * every app. Not SIGUSR2, which rip-server uses: HotSpot on Linux suspends threads with SIGUSR2
   * (JFR's method sampler, for one), so a Java handler for it breaks profiling and turns every
   * profiler sample into a restart.
   */
  private static void installSignals(ConfigurableApplicationContext context) {
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable beginShutdown =
        () -> {
          if (stopping.compareAndSet(false, true)) {
            Thread stopper =
                new Thread(
                    () -> {
                      context.close();
                      System.exit(0);
                    },
                    "edge-shutdown");
            stopper.start();
          }
        };
    SignalHandler shutdown = signal -> beginShutdown.run();
    Signal.handle(new Signal("TERM"), shutdown);
    Signal.handle(new Signal("INT"), shutdown);
    EdgeServer server = context.getBean(EdgeServer.class);
    server.onStopRequest(beginShutdown);
    Signal.handle(new Signal("USR1"), signal -> server.restartApps("signal"));
    Signal.handle(new Signal("HUP"), signal -> server.reloadConfig("sighup"));
  }

  static String usage() {
    StringBuilder text =
        new StringBuilder(
            "usage: java -jar edge.jar [options] [APP]\n       java -jar edge.jar check [EDGEFILE]\n"
                + EdgeCli.usage()
                + "\n");
    text.append(
        "APP is an app jar started as `java -jar APP` per worker. Without it the edge serves the\n"
            + "apps and sites of its Edgefile (--edgefile, ./Edgefile or ./config/Edgefile), or else\n"
            + "its demo app. `check` validates an Edgefile and prints its problems or a summary.\n\n");
    text.append("Options (--name=value; also settable in application.yml or the environment):\n");
    for (Option option : OptionsParser.OPTIONS) {
      text.append(
          String.format(
              "  --%-28s %s (default: %s)%n",
              option.name(), option.expected(), option.defaultValue()));
    }
    return text.toString();
  }

  private static void failUsage(OptionException e) {
    System.err.println("edge: " + e.getMessage());
    System.exit(EXIT_USAGE);
  }

  /** Parses the options once the environment (arguments, application.yml, env) is complete. */
  private static final class OptionsListener
      implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
    private EdgeOptions parsed;
    private ConfigSource source;
    private LoadedConfig initial;

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
      ConfigurableEnvironment env = event.getEnvironment();
      List<String> positional =
          Arrays.stream(event.getArgs()).filter(arg -> !arg.startsWith("--")).toList();
      try {
        parsed = new OptionsParser(env::getProperty, positional).parse();
        parsed.applyEventLoops();
        source = ConfigSource.resolve(parsed, Path.of("").toAbsolutePath());
        initial = source.loadAtStart();
        if (parsed.management().enabled()) {
          ManagementMode.enable(event.getSpringApplication(), env, parsed);
        }
      } catch (OptionException e) {
        failUsage(e);
      }
    }
  }
}
