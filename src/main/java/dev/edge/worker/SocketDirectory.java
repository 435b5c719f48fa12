package dev.edge.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The edge's private directory for worker sockets: {@code <socket-dir>/<edge pid>}, mode 0700, so
 * only the edge's user can connect to its workers. Removed when the edge stops.
 *
 * <p>It also holds {@code workers.pids}, one {@code <pid> <start epoch ms>} line per worker ever
 * spawned. If an edge dies without cleaning up (SIGKILL, power loss), the next edge started with
 * the same {@code --socket-dir} finds the directory of a dead edge pid, kills any worker from its
 * record that is still alive (matched by pid and start time, so a reused pid is never hit) and
 * removes the directory.
 *
 * <p>Blocking: file I/O; used from start-up and the supervisor thread only.
 */
public final class SocketDirectory {

  static final String PID_RECORDS = "workers.pids";

  /** Longest socket path handed to a worker (Linux allows 107 bytes; keep a margin). */
  public static final int MAX_SOCKET_PATH = 100;

  private final Path dir;
  private final AtomicLong nextWorkerId = new AtomicLong(1);

  private SocketDirectory(Path dir) {
    this.dir = dir;
  }

  /**
   * Creates (or re-creates) the directory for this process under {@code parent}, after cleaning up
   * what dead edges left there; {@code onStale} hears about each stale directory and the number of
   * orphaned workers killed.
   */
  public static SocketDirectory create(Path parent, BiConsumer<Path, Integer> onStale) {
    Path dir = parent.resolve(Long.toString(ProcessHandle.current().pid()));
    try {
      Files.createDirectories(parent);
      setOwnerOnly(parent);
      cleanStale(parent, dir, onStale);
      deleteTree(dir);
      Files.createDirectory(dir);
      setOwnerOnly(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create socket directory " + dir, e);
    }
    return new SocketDirectory(dir);
  }

  /**
   * A new worker id, unique across every app of this edge process (so socket names never collide,
   * and ids in logs name one worker).
   */
  public long nextWorkerId() {
    return nextWorkerId.getAndIncrement();
  }

  /** The directory itself. */
  public Path path() {
    return dir;
  }

  /** The socket path for a worker; fails if it would be longer than {@link #MAX_SOCKET_PATH}. */
  public Path socketFor(String appId, long workerId) {
    String app = appId.length() > 24 ? appId.substring(0, 24) : appId;
    Path socket = dir.resolve(app + "-" + workerId + ".sock");
    if (socket.toString().length() > MAX_SOCKET_PATH) {
      throw new IllegalStateException(
          "socket path "
              + socket
              + " is longer than "
              + MAX_SOCKET_PATH
              + " characters (use a shorter --socket-dir)");
    }
    return socket;
  }

  /** Appends a worker's pid record (see the class comment). */
  public void recordWorker(Process process) {
    long started = process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    String line = process.pid() + " " + started + "\n";
    try {
      Files.writeString(
          dir.resolve(PID_RECORDS), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record worker pid in " + dir, e);
    }
  }

  private static void cleanStale(Path parent, Path own, BiConsumer<Path, Integer> onStale)
      throws IOException {
    List<Path> children;
    try (Stream<Path> list = Files.list(parent)) {
      children = list.filter(Files::isDirectory).filter(p -> !p.equals(own)).toList();
    }
    for (Path child : children) {
      long pid;
      try {
        pid = Long.parseLong(child.getFileName().toString());
      } catch (NumberFormatException e) {
        continue;
      }
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        continue;
      }
      int killed = killRecordedWorkers(child.resolve(PID_RECORDS));
      deleteTree(child);
      onStale.accept(child, killed);
    }
  }

  private static int killRecordedWorkers(Path records) throws IOException {
    if (!Files.isRegularFile(records)) {
      return 0;
    }
    int killed = 0;
    for (String line : Files.readAllLines(records)) {
      String[] fields = line.trim().split(" ");
      if (fields.length != 2) {
        continue;
      }
      long pid = Long.parseLong(fields[0]);
      long started = Long.parseLong(fields[1]);
      Optional<ProcessHandle> process = ProcessHandle.of(pid);
      boolean same =
          process.isPresent()
              && process.get().isAlive()
              && process.get().info().startInstant().map(Instant::toEpochMilli).orElse(-1L)
                  == started;
      if (same && process.get().destroyForcibly()) {
        killed++;
      }
    }
    return killed;
  }

  /** Removes the directory and any sockets left in it. */
  public void delete() {
    try {
      deleteTree(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove socket directory " + dir, e);
    }
  }

  private static void setOwnerOnly(Path path) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to restrict.
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
