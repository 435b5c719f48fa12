package dev.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import io.netty.channel.DefaultEventLoop;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * {@link BodyBuffer} with a real event loop, real temp files and real I/O threads: every test reads
 * the body back byte for byte, and checks that every buffer was released and no file is left.
 */
class BodyBufferTest {

  static final int KIB = 1024;

  @TempDir Path parent;
  private final DefaultEventLoop loop = new DefaultEventLoop();
  private final TrackingAllocator alloc = new TrackingAllocator();
  private final List<String> ioThreads = new CopyOnWriteArrayList<>();
  private BufferDirectory directory;
  private Thread loopThread;

  @BeforeAll
  static void paranoid() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @BeforeEach
  void open() throws Exception {
    directory = open(BufferDirectory.READ_WRITE);
    loopThread = loop.submit(Thread::currentThread).get();
  }

  private BufferDirectory open(BufferDirectory.FileOpener opener) {
    return BufferDirectory.open(
        parent,
        (path, files) -> {},
        2,
        file -> {
          ioThreads.add(Thread.currentThread().getName());
          return opener.open(file);
        });
  }

  @AfterEach
  void close() throws Exception {
    directory.close();
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
  }

  private BodyBuffer buffer(BufferLimits limits) {
    return directory.newBuffer(loop, limits, alloc);
  }

  private TestReader reader(BodyBuffer buffer) {
    TestReader reader = new TestReader(loopThread);
    buffer.subscribe(reader);
    return reader;
  }

  /** {@code length} bytes of noise, the same for the same seed. */
  private static byte[] body(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** Appends {@code bytes} in odd-sized chunks of 1 to {@code maxChunk} bytes. */
  private void appendInChunks(BodyBuffer buffer, byte[] bytes, int maxChunk) {
    Random sizes = new Random(7);
    for (int at = 0; at < bytes.length; ) {
      int length = Math.min(bytes.length - at, 1 + sizes.nextInt(maxChunk) | 1);
      buffer.append(alloc.copy(bytes, at, length));
      at += length;
    }
  }

  private static long finished(BodyBuffer buffer) throws Exception {
    return buffer.whenFinished().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Throwable failure(BodyBuffer buffer) {
    try {
      buffer.whenFinished().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e; // CompletableFuture throws its CancellationException as it is
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the buffer finished");
  }

  private static Throwable failure(TestReader reader) {
    try {
      reader.done.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the reader completed");
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** No temp file left, on disk or in the count, and every buffer released. */
  private void assertNothingLeft() {
    // A write queued before the ending may create the file just before the delete queued after it.
    Waits.until("no temp file", () -> directory.openFiles() == 0 && files().isEmpty());
    alloc.assertAllReleased();
  }

  private List<Path> files() {
    try (Stream<Path> files = Files.list(directory.path())) {
      return files.toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aWriterFasterThanTheDiskIsAskedToPauseWhateverTheKind() throws Exception {
    BodyBuffer buffer = buffer(new BufferLimits(BufferLimits.Kind.REQUEST, 0, 64L * 1024 * KIB));
    List<Boolean> changes = new CopyOnWriteArrayList<>();
    buffer.onWritabilityChanged(changes::add);
    byte[] bytes = body(4 * 1024 * KIB, 11);
    // In one task of the loop: the I/O thread's completions cannot come back before it ends, so
    // everything past the memory part is still waiting for the file.
    boolean writableAfter =
        loop.submit(
                () -> {
                  appendInChunks(buffer, bytes, 64 * KIB);
                  return buffer.writable();
                })
            .get(5, TimeUnit.SECONDS);
    assertThat(writableAfter).as("writable with 4 MiB waiting for the file").isFalse();
    buffer.finish();
    assertThat(finished(buffer)).isEqualTo(bytes.length);
    // The "go on" is sent on the loop once the file has caught up, which may be just after the end.
    Waits.until("asked to go on", () -> changes.size() == 2);
    assertThat(changes).containsExactly(false, true); // asked to pause, then to go on
    TestReader reader = reader(buffer);
    reader.request(Long.MAX_VALUE);
    reader.done.get(5, TimeUnit.SECONDS);
    assertThat(reader.bytes()).isEqualTo(bytes);
    assertNothingLeft();
  }

  @Test
  void aSmallBodyStaysInMemory() throws Exception {
    BodyBuffer buffer = buffer(BufferLimits.request(1 << 20));
    byte[] bytes = body(10_000, 1);
    buffer.append(alloc.copy(bytes, 0, 1));
    buffer.append(alloc.copy(bytes, 1, 4_999));
    buffer.append(alloc.copy(bytes, 5_000, 5_000));
    buffer.finish();

    assertThat(finished(buffer)).isEqualTo(10_000);
    assertThat(buffer.size()).isEqualTo(10_000);
    assertThat(buffer.complete()).isTrue();
    assertThat(buffer.spilled()).isFalse();
    assertThat(buffer.filePath()).isNull();

    TestReader reader = reader(buffer);
    reader.request(Long.MAX_VALUE);
    reader.done.get(5, TimeUnit.SECONDS);

    assertThat(reader.bytes()).isEqualTo(bytes);
    assertThat(reader.chunks()).isEqualTo(3);
    assertThat(reader.wrongThread()).isNull();
    assertThat(ioThreads).isEmpty();
    assertNothingLeft();
  }

  @Test
  void aLargeBodySpillsAndReadsBackIdenticallyAtTheReadersPace() throws Exception {
    BodyBuffer buffer = buffer(BufferLimits.request(8 << 20));
    byte[] bytes = body(5 << 20, 2);
    appendInChunks(buffer, bytes, 9_000);
    buffer.finish();

    assertThat(finished(buffer)).isEqualTo(5 << 20);
    assertThat(buffer.spilled()).isTrue();
    Path file = buffer.filePath();
    assertThat(file.getFileName().toString()).startsWith("req-");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.size(file)).isBetween((5L << 20) - 64 * KIB, (5L << 20) - 55 * KIB);
    assertThat(directory.openFiles()).isEqualTo(1);

    TestReader reader = reader(buffer);
    reader.readSlowly();
    reader.done.get(5, TimeUnit.SECONDS);

    assertThat(reader.bytes()).isEqualTo(bytes);
    assertThat(reader.wrongThread()).isNull();
    assertThat(ioThreads).singleElement().asString().startsWith("edge-buffer-io-");
    assertThat(file).doesNotExist();
    assertNothingLeft();
  }

  @Test
  void aFluxReadsItWithBackPressure() throws Exception {
    BodyBuffer buffer = buffer(BufferLimits.request(8 << 20));
    byte[] bytes = body(1 << 20, 3);
    appendInChunks(buffer, bytes, 30_000);
    buffer.finish();

    byte[] read =
        Flux.from(buffer)
            .limitRate(2)
            .reduce(
                new ByteArrayOutputStream(),
                (out, buf) -> {
                  byte[] chunk = new byte[buf.readableBytes()];
                  buf.readBytes(chunk).release();
                  out.writeBytes(chunk);
                  return out;
                })
            .map(ByteArrayOutputStream::toByteArray)
            .toFuture()
            .get(5, TimeUnit.SECONDS);

    assertThat(read).isEqualTo(bytes);
    assertNothingLeft();
  }

  @Test
  void aRequestBodyOverTheCapFailsWithBodyTooLargeAndLeavesNoFile() throws Exception {
    BodyBuffer buffer = buffer(BufferLimits.request(100_000));
    TestReader reader = reader(buffer);
    for (int i = 0; i < 15; i++) {
      buffer.append(alloc.copy(body(10_000, i), 0, 10_000));
    }
    buffer.finish();

    assertThat(failure(buffer))
        .isInstanceOfSatisfying(
            EdgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BODY_TOO_LARGE));
    assertThat(failure(reader)).isInstanceOf(EdgeException.class);
    assertThat(buffer.size()).isEqualTo(100_000);
    assertThat(buffer.spilled()).isTrue();
    assertThat(buffer.complete()).isFalse();
    assertNothingLeft();
  }

  @Test
  void aResponseBufferPausesItsWriterPastTheCapAndResumesAtHalf() throws Exception {
    BodyBuffer buffer = buffer(BufferLimits.response(256 * KIB));
    List<Boolean> changes = new CopyOnWriteArrayList<>();
    buffer.onWritabilityChanged(changes::add);
    TestReader reader = reader(buffer);
    byte[] bytes = body(1 << 20, 4);

    int at = 0;
    while (changes.isEmpty()) {
      buffer.append(alloc.copy(bytes, at, 16 * KIB));
      at += 16 * KIB;
      loop.submit(() -> {}).get(); // let the append land
    }
    assertThat(changes).containsExactly(false);
    assertThat(at).isEqualTo(256 * KIB);
    assertThat(buffer.spilled()).isTrue();

    while (changes.size() == 1) {
      int before = reader.chunks();
      reader.request(1);
      Waits.until("a chunk", () -> reader.chunks() > before);
    }
    assertThat(changes).containsExactly(false, true);
    assertThat(at - reader.bytes().length).isLessThanOrEqualTo(128 * KIB);

    for (; at < bytes.length; at += 16 * KIB) {
      buffer.append(alloc.copy(bytes, at, 16 * KIB));
    }
    buffer.finish();
    reader.request(Long.MAX_VALUE);
    reader.done.get(5, TimeUnit.SECONDS);

    assertThat(reader.bytes()).isEqualTo(bytes);
    assertNothingLeft();
  }

  @Test
  void aStreamedResponseGoesBackToMemoryOnceTheFileIsRead() throws Exception {
    BodyBuffer buffer = buffer(BufferLimits.response(1 << 20));
    TestReader reader = reader(buffer);
    byte[] bytes = body(300 * KIB, 5);
    appendInChunks(buffer, Arrays.copyOf(bytes, 200 * KIB), 5_000);
    Waits.until("spilled", buffer::spilled);

    reader.request(Long.MAX_VALUE);
    Waits.until("read", () -> reader.bytes().length == 200 * KIB);
    Path file = buffer.filePath();
    Waits.until("emptied", () -> size(file) == 0);

    appendInChunks(buffer, Arrays.copyOfRange(bytes, 200 * KIB, bytes.length), 5_000);
    loop.submit(() -> {}).get();
    Thread.sleep(50); // a write to the file, had there been one, would have landed
    assertThat(size(file)).isZero();
    buffer.finish();
    reader.done.get(5, TimeUnit.SECONDS);

    assertThat(reader.bytes()).isEqualTo(bytes);
    assertThat(reader.wrongThread()).isNull();
    assertNothingLeft();
  }

  @Test
  void cancellingMidReadDeletesTheFileAndReleasesEverything() throws Exception {
    BodyBuffer buffer = buffer(BufferLimits.request(8 << 20));
    appendInChunks(buffer, body(1 << 20, 6), 20_000);
    buffer.finish();
    finished(buffer);
    Path file = buffer.filePath();
    assertThat(file).exists();

    TestReader reader = reader(buffer);
    reader.request(8);
    Waits.until("8 chunks", () -> reader.chunks() == 8);
    reader.request(1); // a read from the file is likely in flight when the cancel lands
    reader.cancel();

    Waits.until("deleted", () -> !Files.exists(file));
    assertThat(reader.done).isNotDone();
    assertNothingLeft();
  }

  @Test
  void aFailedWriteFailsWithBufferUnavailableAndDeletesTheFile() throws Exception {
    directory.close();
    directory = open(file -> new FullDiskChannel(BufferDirectory.READ_WRITE.open(file), 100_000));
    BodyBuffer buffer = buffer(BufferLimits.request(8 << 20));
    TestReader reader = reader(buffer);
    appendInChunks(buffer, body(1 << 20, 7), 20_000);
    buffer.finish();

    assertThat(failure(buffer))
        .isInstanceOfSatisfying(
            EdgeException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.BUFFER_UNAVAILABLE);
              assertThat(e.getMessage()).contains("No space left on device");
            });
    assertThat(failure(reader)).isInstanceOf(EdgeException.class);
    assertThat(ioThreads).isNotEmpty();
    assertNothingLeft();
  }

  @Test
  void closingBeforeTheEndReleasesEverythingAndDeletesTheFile() throws Exception {
    BodyBuffer buffer = buffer(BufferLimits.request(8 << 20));
    appendInChunks(buffer, body(500 * KIB, 8), 20_000);
    Waits.until("file created", () -> directory.openFiles() == 1);

    buffer.close();
    buffer.append(alloc.copy(new byte[10], 0, 10));
    buffer.close();

    assertThat(failure(buffer)).isInstanceOf(CancellationException.class);
    TestReader late = reader(buffer);
    assertThat(failure(late)).isInstanceOf(CancellationException.class);
    assertNothingLeft();
  }

  @Test
  void theWritersFailureReachesTheReader() throws Exception {
    BodyBuffer buffer = buffer(BufferLimits.request(8 << 20));
    TestReader reader = reader(buffer);
    reader.request(1);
    appendInChunks(buffer, body(200 * KIB, 9), 20_000);
    IOException reset = new IOException("connection reset by peer");
    buffer.fail(reset);

    assertThat(failure(reader)).isSameAs(reset);
    assertThat(failure(buffer)).isSameAs(reset);
    assertThat(reader.chunks()).isLessThanOrEqualTo(1);
    assertNothingLeft();
  }

  @Test
  void oneReaderOnlyAndDemandMustBePositive() throws Exception {
    BodyBuffer buffer = buffer(BufferLimits.request(1024));
    buffer.append(alloc.copy(new byte[] {1}, 0, 1));
    TestReader first = reader(buffer);
    TestReader second = reader(buffer);

    assertThat(failure(second)).isInstanceOf(IllegalStateException.class);
    first.request(0);
    assertThat(failure(first)).isInstanceOf(IllegalArgumentException.class);
    assertNothingLeft();
  }

  @Test
  void limitsAreChecked() {
    assertThatThrownBy(() -> BufferLimits.request(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BufferLimits.request(10).withMemoryLimit(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
