package dev.edge.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The edge's private directory for worker sockets: {@code <socket-dir>/<edge pid>}, mode 0700, so
 * only the edge's user can connect to its workers. Removed when the edge stops.
 */
public final class SocketDirectory {

  /** Longest socket path handed to a worker (Linux allows 107 bytes; keep a margin). */
  public static final int MAX_SOCKET_PATH = 100;

  private final Path dir;

  private SocketDirectory(Path dir) {
    this.dir = dir;
  }

  /** Creates (or re-creates) the directory for this process under {@code parent}. */
  public static SocketDirectory create(Path parent) {
    Path dir = parent.resolve(Long.toString(ProcessHandle.current().pid()));
    try {
      Files.createDirectories(parent);
      setOwnerOnly(parent);
      deleteTree(dir);
      Files.createDirectory(dir);
      setOwnerOnly(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create socket directory " + dir, e);
    }
    return new SocketDirectory(dir);
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
