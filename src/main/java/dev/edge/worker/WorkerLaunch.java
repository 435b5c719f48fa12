package dev.edge.worker;

import dev.edge.config.EdgeOptions;
import dev.edge.sdk.WorkerEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line and environment of a worker process (see {@code docs/edge/WORKER_PROTOCOL.md}):
 * {@code java [worker-java-options] -jar APP}, or the demo app from the edge's own classes.
 *
 * <p>On Linux the command is prefixed with {@code setpriv --pdeathsig TERM --} when {@code setpriv}
 * is installed, so the kernel sends SIGTERM to a worker whose edge was killed, even if the worker
 * does not use the SDK's stdin watch.
 */
final class WorkerLaunch {

  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  private final EdgeOptions options;
  private final String java;
  private final DemoRuntime demo;
  private final boolean pdeathsig;

  private WorkerLaunch(EdgeOptions options, String java, DemoRuntime demo, boolean pdeathsig) {
    this.options = options;
    this.java = java;
    this.demo = demo;
    this.pdeathsig = pdeathsig;
  }

  /** Plans launches for {@code options}; prepares the demo runtime when no app jar is given. */
  static WorkerLaunch plan(EdgeOptions options) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    DemoRuntime demo =
        options.app() == null
            ? DemoRuntime.prepare(options.cacheDir(), java, options.workerJavaOptions())
            : null;
    return new WorkerLaunch(options, java, demo, Files.isExecutable(SETPRIV));
  }

  /** A process builder for one worker, stdin/stdout/stderr all pipes. */
  ProcessBuilder builder(String appId, long workerId, long generation, Path socket, int port) {
    List<String> command = new ArrayList<>();
    if (pdeathsig) {
      command.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "TERM", "--"));
    }
    command.add(java);
    command.addAll(options.workerJavaOptions());
    if (demo != null) {
      Path archive = demo.archiveIfReady();
      if (archive != null) {
        command.add("-XX:SharedArchiveFile=" + archive);
        command.add("-Xshare:auto");
      }
      command.add("-cp");
      command.add(demo.classPath());
      command.add(DemoRuntime.mainClass());
    } else {
      command.add("-jar");
      command.add(options.app().toString());
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.remove(WorkerEnvironment.SOCKET);
    env.remove(WorkerEnvironment.PORT);
    if (socket != null) {
      env.put(WorkerEnvironment.SOCKET, socket.toString());
    } else {
      env.put(WorkerEnvironment.PORT, Integer.toString(port));
    }
    env.put(WorkerEnvironment.WORKER_ID, Long.toString(workerId));
    env.put(WorkerEnvironment.APP_ID, appId);
    env.put(WorkerEnvironment.GENERATION, Long.toString(generation));
    env.put(WorkerEnvironment.HEALTH_PATH, options.healthPath());
    return builder;
  }
}
