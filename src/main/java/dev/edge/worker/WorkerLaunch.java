package dev.edge.worker;

import dev.edge.config.EdgeOptions.Scheduling;
import dev.edge.config.OptionsParser;
import dev.edge.edgefile.AppDef;
import dev.edge.edgefile.AppDef.Launch;
import dev.edge.sdk.WorkerEnvironment;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line and environment of a worker process (see {@code docs/edge/WORKER_PROTOCOL.md}):
 * {@code java [javaOptions] -jar JAR}, {@code java [javaOptions] -cp CLASSPATH MAIN}, any command,
 * or the built-in demo app from the edge's own classes.
 *
 * <p>On Linux the command is prefixed with {@code setpriv --pdeathsig TERM --} when {@code setpriv}
 * is installed, so the kernel sends SIGTERM to a worker whose edge was killed, even if the worker
 * does not use the SDK's stdin watch; and, for an app whose scheduling is {@code batch} (the
 * default), with {@code chrt --batch 0} when that works here ({@link BatchScheduling}).
 */
final class WorkerLaunch {

  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  private final AppDef app;
  private final String java;
  private final DemoRuntime demo;
  private final boolean pdeathsig;
  private final Scheduling scheduling;

  private WorkerLaunch(
      AppDef app, String java, DemoRuntime demo, boolean pdeathsig, Scheduling scheduling) {
    this.app = app;
    this.java = java;
    this.demo = demo;
    this.pdeathsig = pdeathsig;
    this.scheduling = scheduling;
  }

  /**
   * Plans launches of {@code app}; prepares the demo runtime (file I/O, extraction on first use)
   * for the built-in app, and checks once per edge process that batch scheduling works (it runs a
   * process).
   */
  static WorkerLaunch plan(AppDef app, Path cacheDir) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    DemoRuntime demo =
        app.launch() instanceof Launch.Builtin
            ? DemoRuntime.prepare(cacheDir, java, javaOptions(app))
            : null;
    Scheduling scheduling =
        app.scheduling() == Scheduling.BATCH && BatchScheduling.available()
            ? Scheduling.BATCH
            : Scheduling.NORMAL;
    return new WorkerLaunch(app, java, demo, Files.isExecutable(SETPRIV), scheduling);
  }

  /** The policy workers actually start with: the app's, or normal where batch does not work. */
  Scheduling scheduling() {
    return scheduling;
  }

  /** The app's JVM options; the demo app starts small and fast unless told otherwise. */
  private static List<String> javaOptions(AppDef app) {
    if (app.javaOptions().isEmpty() && app.launch() instanceof Launch.Builtin) {
      return List.of(OptionsParser.DEMO_JAVA_OPTIONS.split(" "));
    }
    return app.javaOptions();
  }

  /** A process builder for one worker, stdin/stdout/stderr all pipes. */
  ProcessBuilder builder(long workerId, long generation, Path socket, int port) {
    List<String> command = new ArrayList<>();
    if (pdeathsig) {
      command.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "TERM", "--"));
    }
    if (scheduling == Scheduling.BATCH) {
      command.addAll(BatchScheduling.prefix());
    }
    command.addAll(programFor(app.launch()));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.remove(WorkerEnvironment.SOCKET);
    env.remove(WorkerEnvironment.PORT);
    env.putAll(app.env());
    if (socket != null) {
      env.put(WorkerEnvironment.SOCKET, socket.toString());
    } else {
      env.put(WorkerEnvironment.PORT, Integer.toString(port));
    }
    env.put(WorkerEnvironment.WORKER_ID, Long.toString(workerId));
    env.put(WorkerEnvironment.APP_ID, app.id());
    env.put(WorkerEnvironment.GENERATION, Long.toString(generation));
    env.put(WorkerEnvironment.HEALTH_PATH, app.healthCheck().path());
    return builder;
  }

  private List<String> programFor(Launch launch) {
    if (launch instanceof Launch.Command command) {
      return command.argv();
    }
    List<String> program = new ArrayList<>();
    program.add(java);
    program.addAll(javaOptions(app));
    if (launch instanceof Launch.Jar jar) {
      program.add("-jar");
      program.add(jar.jar().toString());
    } else if (launch instanceof Launch.MainClass main) {
      program.add("-cp");
      program.add(String.join(File.pathSeparator, main.classpath()));
      program.add(main.main());
    } else {
      Path archive = demo.archiveIfReady();
      if (archive != null) {
        program.add("-XX:SharedArchiveFile=" + archive);
        program.add("-Xshare:auto");
      }
      program.add("-cp");
      program.add(demo.classPath());
      program.add(DemoRuntime.mainClass());
    }
    return program;
  }
}
