package dev.edge.buffer;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's private directory for body buffers' temp files: {@code
 * <parent>/edge-buffers-<user>/<edge pid>/}, both levels mode 0700, every file 0600 and named
 * {@code req-N} or {@code res-N}. It also owns the small pool of {@code edge-buffer-io-N} threads
 * on which every buffer's file I/O runs.
 *
 * <p>On start-up it refuses an {@code edge-buffers-<user>} directory that is a symbolic link, is
 * owned by another user or is open to group or others, and removes the directories of edge pids
 * that are no longer running (their files are leftovers of a crash). {@link #close()} removes this
 * edge's own directory.
 *
 * <p>Thread-safe. {@link #open} and {@link #close()} block on the file system (start-up and
 * shutdown only); {@link #newBuffer} does not.
 */
public final class BufferDirectory implements AutoCloseable {

  private static final Logger EVENTS = LoggerFactory.getLogger("edge.events");
  private static final Logger ERRORS = LoggerFactory.getLogger("edge.errors");

  /** Threads of the I/O pool: the work is mostly page-cache copies. */
  static final int IO_THREADS = 2;

  /** Write failures are logged at most once per this many nanoseconds, with a count of the rest. */
  private static final long FAILURE_LOG_INTERVAL = TimeUnit.SECONDS.toNanos(10);

  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  /** Opens the channel of a created temp file; tests put a failing file system behind it. */
  @FunctionalInterface
  interface FileOpener {
    FileChannel open(Path file) throws IOException;
  }

  static final FileOpener READ_WRITE =
      file -> FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);

  private final Path dir;
  private final ThreadPoolExecutor io;
  private final FileOpener opener;
  private final Set<Path> liveFiles = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextFile = new AtomicLong(1);
  private final AtomicLong lastFailureLog =
      new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL);
  private final AtomicInteger unloggedFailures = new AtomicInteger();
  private volatile boolean closed;

  private BufferDirectory(Path dir, int ioThreads, FileOpener opener) {
    this.dir = dir;
    this.opener = opener;
    AtomicInteger threads = new AtomicInteger(1);
    this.io =
        new ThreadPoolExecutor(
            ioThreads,
            ioThreads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread = new Thread(task, "edge-buffer-io-" + threads.getAndIncrement());
              thread.setDaemon(true);
              return thread;
            });
    this.io.allowCoreThreadTimeOut(true);
  }

  /** The parent used when none is configured: the system temp directory. */
  public static Path defaultParent() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /**
   * Opens this edge's buffer directory under {@code parent} (see the class comment), logging each
   * stale directory removed with the number of files in it.
   */
  public static BufferDirectory open(Path parent) {
    return open(
        parent,
        (stale, files) ->
            EVENTS.info("buffer_stale_cleanup directory={} removedFiles={}", stale, files));
  }

  /**
   * Opens this edge's buffer directory under {@code parent}; {@code onStale} hears about each
   * directory of a dead edge that was removed and how many files it held.
   *
   * @throws IllegalStateException if {@code edge-buffers-<user>} exists but is not private
   * @throws UncheckedIOException if the directories cannot be created or cleaned
   */
  public static BufferDirectory open(Path parent, BiConsumer<Path, Integer> onStale) {
    return open(parent, onStale, IO_THREADS, READ_WRITE);
  }

  static BufferDirectory open(
      Path parent, BiConsumer<Path, Integer> onStale, int ioThreads, FileOpener opener) {
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_");
    Path base = parent.resolve("edge-buffers-" + user);
    Path own = base.resolve(Long.toString(ProcessHandle.current().pid()));
    try {
      Files.createDirectories(parent);
      createPrivateDirectory(base);
      cleanStale(base, own, onStale);
      deleteTree(own); // left by an earlier process with the same pid
      createPrivateDirectory(own);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create buffer directory " + own, e);
    }
    return new BufferDirectory(own, ioThreads, opener);
  }

  /** This edge's own directory, {@code <parent>/edge-buffers-<user>/<pid>}. */
  public Path path() {
    return dir;
  }

  /** How many temp files exist right now (for /diagnostics and tests). */
  public int openFiles() {
    return liveFiles.size();
  }

  /**
   * A new, empty buffer whose callbacks and reader signals run on {@code loop}, reading from its
   * file into buffers of {@link PooledByteBufAllocator#DEFAULT}.
   */
  public BodyBuffer newBuffer(EventExecutor loop, BufferLimits limits) {
    return newBuffer(loop, limits, PooledByteBufAllocator.DEFAULT);
  }

  /** A new, empty buffer that reads from its file into buffers of {@code alloc}. */
  public BodyBuffer newBuffer(EventExecutor loop, BufferLimits limits, ByteBufAllocator alloc) {
    return new BodyBuffer(this, loop, limits, alloc);
  }

  /** Stops the I/O threads and removes this edge's directory with every file left in it. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    io.shutdown();
    try {
      io.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      deleteTree(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove buffer directory " + dir, e);
    } finally {
      liveFiles.clear();
    }
  }

  /** The shared I/O pool; a buffer wraps it in its own {@link SerialQueue}. */
  Executor io() {
    return io;
  }

  /**
   * Creates a new temp file, 0600, named {@code <prefix>N}, and opens it for reading and writing.
   */
  SpillChannel createFile(String prefix) throws IOException {
    if (closed) {
      throw new IOException("buffer directory " + dir + " is closed");
    }
    Path file = dir.resolve(prefix + nextFile.getAndIncrement());
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system
    }
    liveFiles.add(file);
    try {
      return new SpillChannel(file, opener.open(file));
    } catch (IOException | RuntimeException e) {
      deleteFile(file);
      throw e;
    }
  }

  /** Deletes a temp file; safe to call again or for a file already gone. Blocks (I/O threads). */
  void deleteFile(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      ERRORS.warn("buffer_delete_failed file={} error={}", file, e.toString());
    } finally {
      liveFiles.remove(file);
    }
  }

  /**
   * Logs a failed buffer write to {@code edge.errors}: the first at once, then at most one line per
   * ten seconds with the number of failures since, so a full disk does not flood the log.
   */
  void reportFailure(Path file, Throwable error) {
    long now = System.nanoTime();
    long last = lastFailureLog.get();
    if (now - last < FAILURE_LOG_INTERVAL || !lastFailureLog.compareAndSet(last, now)) {
      unloggedFailures.incrementAndGet();
      return;
    }
    ERRORS.warn(
        "buffer_write_failed file={} error={} failuresSinceLastLine={}",
        file,
        error.toString(),
        unloggedFailures.getAndSet(0));
  }

  /** An open temp file. */
  record SpillChannel(Path path, FileChannel channel) {}

  /** Creates {@code path} 0700, or checks that the existing one is private to this user. */
  private static void createPrivateDirectory(Path path) throws IOException {
    try {
      Files.createDirectory(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
    } catch (FileAlreadyExistsException e) {
      // checked below
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(path); // not a POSIX file system
    }
    checkPrivate(path);
  }

  private static void checkPrivate(Path path) throws IOException {
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: nothing to check
    }
    if (!attributes.isDirectory()) {
      throw refused(path, "it is not a directory (a symbolic link or a file); remove it");
    }
    UserPrincipal me = currentUser(path);
    if (!attributes.owner().equals(me)) {
      throw refused(
          path,
          "it is owned by "
              + attributes.owner().getName()
              + ", not by "
              + me.getName()
              + ", who runs the edge; remove it or choose another --buffer-dir");
    }
    Set<PosixFilePermission> permissions = attributes.permissions();
    if (!OWNER_ONLY_DIR.containsAll(permissions)) {
      throw refused(
          path,
          "its permissions are "
              + PosixFilePermissions.toString(permissions)
              + ", so other users could read request and response bodies; run chmod 700 "
              + path
              + " or remove it");
    }
  }

  private static UserPrincipal currentUser(Path onFileSystem) throws IOException {
    try {
      return onFileSystem
          .getFileSystem()
          .getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
    } catch (UserPrincipalNotFoundException e) {
      return Files.getOwner(Path.of("/proc/self")); // a uid without a name (containers)
    }
  }

  private static IllegalStateException refused(Path path, String why) {
    return new IllegalStateException("refusing to keep body buffers in " + path + ": " + why);
  }

  private static void cleanStale(Path base, Path own, BiConsumer<Path, Integer> onStale)
      throws IOException {
    List<Path> children;
    try (Stream<Path> list = Files.list(base)) {
      children = list.filter(Files::isDirectory).filter(p -> !p.equals(own)).toList();
    }
    for (Path child : children) {
      long pid;
      try {
        pid = Long.parseLong(child.getFileName().toString());
      } catch (NumberFormatException e) {
        continue; // not an edge's directory
      }
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        continue;
      }
      int files = deleteTree(child);
      onStale.accept(child, files);
    }
  }

  /** Deletes {@code root} and everything under it; returns how many regular files were in it. */
  private static int deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    int files = 0;
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
          files++;
        }
        Files.deleteIfExists(path);
      }
    }
    return files;
  }
}
