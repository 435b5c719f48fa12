package dev.edge.worker;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Named daemon threads for the control plane: they never keep a stopping edge alive. */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** A single long-lived daemon thread called {@code name} running scheduled tasks in order. */
  public static ScheduledExecutorService single(String name) {
    return Executors.newSingleThreadScheduledExecutor(task -> start(name, task, false));
  }

  /** Creates a daemon thread called {@code name}, and starts it if {@code start}. */
  public static Thread start(String name, Runnable task, boolean start) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    if (start) {
      thread.start();
    }
    return thread;
  }
}
