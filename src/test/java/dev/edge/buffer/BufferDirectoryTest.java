package dev.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BufferDirectory} on the real file system: its two private levels, its 0600 temp files,
 * what it refuses, and the stale directories of dead edges it removes at start-up.
 */
class BufferDirectoryTest {

  @TempDir Path parent;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final Map<Path, Integer> stale = new ConcurrentHashMap<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private Path base() {
    String user = System.getProperty("user.name").replaceAll("[^A-Za-z0-9_.-]", "_");
    return parent.resolve("edge-buffers-" + user);
  }

  private BufferDirectory open() {
    BufferDirectory directory = BufferDirectory.open(parent, stale::put);
    toClose.add(directory);
    return directory;
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void bothLevelsAreOwnerOnlyAndNamedAfterUserAndPid() throws IOException {
    BufferDirectory directory = open();

    assertThat(directory.path())
        .isEqualTo(base().resolve(Long.toString(ProcessHandle.current().pid())));
    assertThat(mode(base())).isEqualTo("rwx------");
    assertThat(mode(directory.path())).isEqualTo("rwx------");
    assertThat(directory.openFiles()).isZero();
  }

  @Test
  void tempFilesAre0600AndNamedBySide() throws Exception {
    BufferDirectory directory = open();
    DefaultEventLoop loop = new DefaultEventLoop();
    toClose.add(() -> loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync());
    BodyBuffer request =
        directory.newBuffer(loop, BufferLimits.request(1 << 20).withMemoryLimit(0));
    BodyBuffer response =
        directory.newBuffer(loop, BufferLimits.response(1 << 20).withMemoryLimit(0));

    request.append(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
    response.append(Unpooled.wrappedBuffer(new byte[] {4, 5}));
    request.finish();
    response.finish();
    request.whenFinished().toCompletableFuture().get(5, TimeUnit.SECONDS);
    response.whenFinished().toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(directory.openFiles()).isEqualTo(2);
    assertThat(request.filePath().getFileName().toString()).startsWith("req-");
    assertThat(response.filePath().getFileName().toString()).startsWith("res-");
    assertThat(request.filePath().getParent()).isEqualTo(directory.path());
    assertThat(mode(request.filePath())).isEqualTo("rw-------");
    assertThat(mode(response.filePath())).isEqualTo("rw-------");
    assertThat(Files.readAllBytes(request.filePath())).containsExactly(1, 2, 3);

    request.close();
    response.close();
    Waits.until("files deleted", () -> directory.openFiles() == 0);
    try (Stream<Path> files = Files.list(directory.path())) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void refusesABaseOpenToOthers() throws IOException {
    Files.createDirectory(base());
    Files.setPosixFilePermissions(base(), PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThatThrownBy(this::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(base().toString())
        .hasMessageContaining("rwxr-xr-x")
        .hasMessageContaining("chmod 700");
  }

  @Test
  void refusesABaseOwnedBySomeoneElse() throws IOException {
    assumeTrue(System.getProperty("user.name").equals("root"), "only root can give a file away");
    Files.createDirectory(
        base(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.setAttribute(base(), "unix:uid", 65534);

    assertThatThrownBy(this::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("owned by")
        .hasMessageContaining("not by root");
  }

  @Test
  void refusesASymbolicLink() throws IOException {
    Path elsewhere = Files.createDirectory(parent.resolve("elsewhere"));
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
    Files.createSymbolicLink(base(), elsewhere);

    assertThatThrownBy(this::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a directory");
  }

  @Test
  void removesDirectoriesOfDeadEdgesAndKeepsLiveOnes() throws Exception {
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor();
    Process running = new ProcessBuilder("sleep", "30").start();
    try {
      Files.createDirectories(base());
      Files.setPosixFilePermissions(base(), PosixFilePermissions.fromString("rwx------"));
      Path dead = Files.createDirectory(base().resolve(Long.toString(exited.pid())));
      Files.write(dead.resolve("req-1"), new byte[10]);
      Files.write(dead.resolve("res-2"), new byte[10]);
      Path live = Files.createDirectory(base().resolve(Long.toString(running.pid())));
      Files.write(live.resolve("req-1"), new byte[10]);
      Path other = Files.createDirectory(base().resolve("not-a-pid"));

      open();

      assertThat(dead).doesNotExist();
      assertThat(stale).containsExactly(Map.entry(dead, 2));
      assertThat(live.resolve("req-1")).exists();
      assertThat(other).exists();
    } finally {
      running.destroyForcibly();
    }
  }

  @Test
  void closeRemovesTheOwnDirectoryWithWhatIsLeftInIt() throws IOException {
    BufferDirectory directory = open();
    Files.write(directory.path().resolve("req-99"), new byte[1]);

    directory.close();
    directory.close();

    assertThat(directory.path()).doesNotExist();
    assertThat(base()).exists();
  }
}
