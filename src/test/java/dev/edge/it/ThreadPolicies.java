package dev.edge.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The Linux scheduling policies of a process's threads, read from {@code /proc}. */
final class ThreadPolicies {

  /** Index of {@code policy} (field 41 of {@code /proc/PID/task/TID/stat}) after the comm field. */
  private static final int POLICY = 41 - 3;

  private ThreadPolicies() {}

  /** The distinct policies of the threads of {@code pid} ({@code 0} normal, {@code 3} batch). */
  static Set<Integer> of(long pid) throws IOException {
    Set<Integer> policies = new TreeSet<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended meanwhile
        }
        // the comm field may hold spaces ("VM Thread"); the fields after it do not
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        policies.add(Integer.parseInt(fields[POLICY]));
      }
    }
    return policies;
  }
}
