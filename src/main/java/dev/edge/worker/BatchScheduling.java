package dev.edge.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts programs under Linux's {@code SCHED_BATCH} policy with {@code chrt --batch 0}
 * (util-linux), which sets the policy and then execs the program, so the worker keeps its pid and
 * every thread it creates inherits the policy.
 *
 * <p>Whether this machine can do that is found out once per edge process, by running {@code chrt}
 * under the policy: a missing {@code chrt}, another OS, or a sandbox that refuses {@code
 * sched_setscheduler} must never keep a worker from starting, so then workers start with the normal
 * policy and the edge says so once in its log. Blocking (it runs a process): called from worker
 * launch planning, never on an event loop.
 */
final class BatchScheduling {

  static final Path CHRT = Path.of("/usr/bin/chrt");

  private static final Logger LOG = LoggerFactory.getLogger(BatchScheduling.class);
  private static Boolean available;

  private BatchScheduling() {}

  /** The words that start a program under {@code SCHED_BATCH}, before the program's own. */
  static List<String> prefix() {
    return List.of(CHRT.toString(), "--batch", "0");
  }

  /** Whether {@link #prefix()} works on this machine (checked on the first call). */
  static synchronized boolean available() {
    if (available == null) {
      available = probe();
    }
    return available;
  }

  private static boolean probe() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return false; // a Linux policy; documented, nothing to warn about
    }
    if (!Files.isExecutable(CHRT)) {
      LOG.warn("workers run with the normal scheduling policy: {} is not installed", CHRT);
      return false;
    }
    String why;
    try {
      List<String> command = new ArrayList<>(prefix());
      command.addAll(List.of(CHRT.toString(), "--max")); // any program; this one is at hand
      Process check =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!check.waitFor(10, TimeUnit.SECONDS)) {
        check.destroyForcibly();
        why = "it did not finish within 10 s";
      } else if (check.exitValue() != 0) {
        why = "it exited with code " + check.exitValue();
      } else {
        return true;
      }
    } catch (IOException e) {
      why = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "interrupted";
    }
    LOG.warn(
        "workers run with the normal scheduling policy: {} --batch 0 does not work here ({})",
        CHRT,
        why);
    return false;
  }
}
