package dev.edge.worker;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches an app's files (its jar, or the configured files, directories and globs) and calls back
 * once changes have been quiet for the debounce time, so a jar that is still being written is not
 * picked up half-way. Directories are watched recursively, including ones created later.
 *
 * <p>Threads: one daemon thread ({@code edge-watch}) blocks on the watch service; the callback runs
 * on another ({@code edge-watch-debounce}).
 */
public final class AppWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AppWatcher.class);

  private final WatchService service;
  private final List<Target> targets = new ArrayList<>();
  private final Duration debounce;
  private final Runnable onChange;
  private final ScheduledExecutorService debouncer;
  private ScheduledFuture<?> pending;

  private AppWatcher(WatchService service, Duration debounce, Runnable onChange) {
    this.service = service;
    this.debounce = debounce;
    this.onChange = onChange;
    this.debouncer = DaemonThreads.single("edge-watch-debounce");
  }

  /**
   * Starts watching {@code patterns} (files, directories or globs); {@code onChange} runs after
   * each burst of changes. Returns null when there is nothing to watch.
   */
  public static AppWatcher start(List<String> patterns, Duration debounce, Runnable onChange)
      throws IOException {
    if (patterns.isEmpty()) {
      return null;
    }
    AppWatcher watcher =
        new AppWatcher(FileSystems.getDefault().newWatchService(), debounce, onChange);
    for (String pattern : patterns) {
      watcher.add(pattern);
    }
    DaemonThreads.start("edge-watch", watcher::run, true);
    return watcher;
  }

  private void add(String pattern) throws IOException {
    boolean glob = pattern.chars().anyMatch(c -> "*?[{".indexOf(c) >= 0);
    Path base = glob ? globBase(pattern) : Path.of(pattern).toAbsolutePath();
    if (glob) {
      PathMatcher matcher =
          FileSystems.getDefault().getPathMatcher("glob:" + Path.of(pattern).toAbsolutePath());
      targets.add(new Target(base, matcher::matches));
      registerTree(base);
    } else if (Files.isDirectory(base)) {
      targets.add(new Target(base, path -> path.startsWith(base)));
      registerTree(base);
    } else {
      targets.add(new Target(base, path -> path.equals(base)));
      base.getParent().register(service, kinds());
    }
  }

  private static Path globBase(String pattern) {
    Path path = Path.of(pattern).toAbsolutePath();
    Path base = path.getRoot();
    for (Path part : path) {
      if (part.toString().chars().anyMatch(c -> "*?[{".indexOf(c) >= 0)) {
        break;
      }
      base = base.resolve(part);
    }
    return base;
  }

  private void registerTree(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> dirs = Files.walk(root)) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        dir.register(service, kinds());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static WatchEvent.Kind<Path>[] kinds() {
    return new WatchEvent.Kind[] {
      StandardWatchEventKinds.ENTRY_CREATE,
      StandardWatchEventKinds.ENTRY_MODIFY,
      StandardWatchEventKinds.ENTRY_DELETE
    };
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = service.take();
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
          if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
            changed();
            continue;
          }
          Path path = dir.resolve((Path) event.context());
          if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(path)) {
            registerTree(path);
          }
          if (targets.stream().anyMatch(target -> target.matches(path))) {
            changed();
          }
        }
        key.reset();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    } catch (IOException e) {
      LOG.warn("file watch stopped: {}", e.toString());
    }
  }

  private synchronized void changed() {
    if (pending != null) {
      pending.cancel(false);
    }
    pending = debouncer.schedule(onChange, debounce.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws IOException {
    service.close();
    debouncer.shutdownNow();
  }

  /** Closes {@code watcher} if there is one; the watch service is gone either way. */
  public static void closeQuietly(AppWatcher watcher) {
    if (watcher == null) {
      return;
    }
    try {
      watcher.close();
    } catch (IOException e) {
      // nothing is watched any more either way
    }
  }

  /** One watched pattern. */
  private record Target(Path base, java.util.function.Predicate<Path> test) {
    boolean matches(Path path) {
      return test.test(path);
    }
  }
}
