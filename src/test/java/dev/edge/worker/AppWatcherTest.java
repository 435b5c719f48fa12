package dev.edge.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File-change triggers on a real file system: files, directories (recursive) and globs. */
class AppWatcherTest {

  private final Semaphore changes = new Semaphore(0);

  private AppWatcher watch(String... patterns) throws Exception {
    return AppWatcher.start(List.of(patterns), Duration.ofMillis(150), changes::release);
  }

  private boolean changed() throws InterruptedException {
    return changes.tryAcquire(5, TimeUnit.SECONDS);
  }

  @Test
  void aBurstOfWritesToTheWatchedFileIsOneChange(@TempDir Path dir) throws Exception {
    Path jar = Files.writeString(dir.resolve("app.jar"), "v1");
    Files.writeString(dir.resolve("other.txt"), "x");
    try (AppWatcher watcher = watch(jar.toString())) {
      Files.writeString(dir.resolve("other.txt"), "y");
      for (int i = 0; i < 5; i++) {
        Files.writeString(jar, "v2 part " + i);
      }
      assertThat(changed()).isTrue();
      Thread.sleep(500);
      assertThat(changes.availablePermits()).as("debounced into one").isZero();
    }
  }

  @Test
  void aDirectoryIsWatchedRecursivelyIncludingNewSubdirectories(@TempDir Path dir)
      throws Exception {
    Path conf = Files.createDirectory(dir.resolve("conf"));
    try (AppWatcher watcher = watch(conf.toString())) {
      Path nested = Files.createDirectory(conf.resolve("nested"));
      assertThat(changed()).isTrue();
      Files.writeString(nested.resolve("deep.yml"), "a: 1");
      assertThat(changed()).isTrue();
    }
  }

  @Test
  void aGlobMatchesOnlyItsFiles(@TempDir Path dir) throws Exception {
    try (AppWatcher watcher = watch(dir + "/*.properties")) {
      Files.writeString(dir.resolve("notes.txt"), "ignored");
      assertThat(changes.tryAcquire(600, TimeUnit.MILLISECONDS)).isFalse();
      Files.writeString(dir.resolve("app.properties"), "k=v");
      assertThat(changed()).isTrue();
    }
  }

  @Test
  void nothingToWatchStartsNothing() throws Exception {
    assertThat(AppWatcher.start(List.of(), Duration.ofMillis(10), () -> {})).isNull();
  }
}
