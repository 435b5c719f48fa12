package dev.edge.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The run directory ({@code --run-dir}, mode 0700): one control socket and one pid file per running
 * edge, named after the edge's port, {@code edge-<port>.sock} and {@code edge-<port>.pid} (the HTTP
 * port, or the HTTPS port with {@code --no-http}; {@code edge-<port>-<pid>} when another live edge
 * already holds that name, as two edges on different addresses with the same port would). Files of
 * edges that are no longer running are removed when an edge starts. Plain JDK: the command-line
 * client uses it too, without Netty or Spring.
 */
public final class RunDirectory {

  /** The file name suffix of control sockets. */
  public static final String SOCKET_SUFFIX = ".sock";

  /** The file name suffix of pid files. */
  public static final String PID_SUFFIX = ".pid";

  private static final String PREFIX = "edge-";

  private RunDirectory() {}

  /**
   * A running edge found in the run directory.
   *
   * @param socket its control socket
   * @param pid its pid, from its pid file
   */
  public record Entry(Path socket, long pid) {}

  /** Creates {@code dir} (mode 0700) and removes what edges no longer running left in it. */
  public static void prepare(Path dir) throws IOException {
    Files.createDirectories(dir);
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to restrict.
    }
    for (Path socket : sockets(dir)) {
      if (pidOf(socket) < 0) {
        Files.deleteIfExists(socket);
        Files.deleteIfExists(pidFile(socket));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path pid : files.filter(RunDirectory::isPidFile).toList()) {
        if (livePid(pid) < 0) {
          Files.deleteIfExists(pid);
        }
      }
    }
  }

  /** The edges running now: sockets whose pid file names a live process, by file name. */
  public static List<Entry> running(Path dir) throws IOException {
    List<Entry> edges = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return edges;
    }
    for (Path socket : sockets(dir)) {
      long pid = pidOf(socket);
      if (pid >= 0) {
        edges.add(new Entry(socket, pid));
      }
    }
    return edges;
  }

  /** The socket path for an edge on {@code port}: its own name, unless a live edge holds it. */
  static Path socketFor(Path dir, int port) {
    Path socket = dir.resolve(PREFIX + port + SOCKET_SUFFIX);
    long holder = livePid(pidFile(socket));
    if (holder >= 0 && holder != ProcessHandle.current().pid()) {
      socket = dir.resolve(PREFIX + port + "-" + ProcessHandle.current().pid() + SOCKET_SUFFIX);
    }
    return socket;
  }

  /** The pid file next to {@code socket}. */
  public static Path pidFile(Path socket) {
    String name = socket.getFileName().toString();
    String base = name.substring(0, name.length() - SOCKET_SUFFIX.length());
    return socket.resolveSibling(base + PID_SUFFIX);
  }

  /** Writes this process's pid into {@code file}. */
  static void writePid(Path file) throws IOException {
    Files.writeString(file, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
  }

  /** The live pid {@code socket}'s pid file names, or -1 (no file, unreadable, or not running). */
  public static long pidOf(Path socket) {
    return livePid(pidFile(socket));
  }

  private static long livePid(Path pidFile) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static List<Path> sockets(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              path -> {
                String name = path.getFileName().toString();
                return name.startsWith(PREFIX) && name.endsWith(SOCKET_SUFFIX);
              })
          .sorted()
          .toList();
    }
  }

  private static boolean isPidFile(Path path) {
    String name = path.getFileName().toString();
    return name.startsWith(PREFIX) && name.endsWith(PID_SUFFIX);
  }
}
