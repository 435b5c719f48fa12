package dev.edge.buffer;

import dev.edge.buffer.BufferDirectory.SpillChannel;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The temp file behind one {@link BodyBuffer}: created on the first write, then written, read,
 * truncated and deleted by operations that run one at a time on the directory's I/O threads, in the
 * order the buffer asked for them. Each operation's outcome is handed back on the buffer's event
 * loop.
 *
 * <p>The methods are called on the buffer's event loop (which also owns {@code queue}); the {@code
 * file} and {@code deleted} fields belong to the serial queue. A buffer that never spills never
 * creates its queue, so it costs no I/O thread work at all, not even to delete nothing.
 */
final class SpillFile {

  private final BufferDirectory directory;
  private final String prefix;
  private final EventExecutor loop;

  /** Made by the first operation: most bodies stay in memory and never touch an I/O thread. */
  private SerialQueue queue;

  private SpillChannel file;
  private boolean deleted;
  private volatile Path path;

  SpillFile(BufferDirectory directory, String prefix, EventExecutor loop) {
    this.directory = directory;
    this.prefix = prefix;
    this.loop = loop;
  }

  /** The file, once created; for logs and tests. */
  Path path() {
    return path;
  }

  /**
   * Writes the readable bytes of {@code bufs} at {@code position}, creating the file first if
   * needed; {@code done} hears {@code null} or the failure. The buffers stay the caller's: they
   * must not be touched or released before {@code done} runs.
   */
  void write(ByteBuf[] bufs, long position, Consumer<Throwable> done) {
    submit(
        () -> {
          FileChannel channel = open();
          List<ByteBuffer> views = new ArrayList<>(bufs.length);
          long remaining = 0;
          for (ByteBuf buf : bufs) {
            for (ByteBuffer view : buf.nioBuffers()) {
              views.add(view);
              remaining += view.remaining();
            }
          }
          ByteBuffer[] array = views.toArray(ByteBuffer[]::new);
          channel.position(position);
          while (remaining > 0) {
            remaining -= channel.write(array);
          }
        },
        done);
  }

  /**
   * Reads exactly {@code length} bytes at {@code position} into {@code into}; {@code done} hears
   * {@code null} or the failure. {@code into} must not be touched before {@code done} runs.
   */
  void read(ByteBuf into, long position, int length, Consumer<Throwable> done) {
    submit(
        () -> {
          FileChannel channel = open();
          int got = 0;
          while (got < length) {
            int n = into.writeBytes(channel, position + got, length - got);
            if (n < 0) {
              throw new EOFException("temp file " + path + " ended at " + (position + got));
            }
            got += n;
          }
        },
        done);
  }

  /** Gives the file's space back once every byte in it was read (its next byte goes at 0). */
  void truncate() {
    submit(
        () -> {
          if (file != null && !deleted) {
            file.channel().truncate(0);
          }
        },
        error -> {
          // Only space is lost: the next write goes at its position, whatever the size.
        });
  }

  /** Closes and deletes the file, off the event loop; later calls and operations do nothing. */
  void delete() {
    if (queue == null) {
      return; // no operation ever ran: there is no file, and nothing to hand to an I/O thread
    }
    Runnable delete =
        () -> {
          if (deleted) {
            return;
          }
          deleted = true;
          if (file != null) {
            try {
              file.channel().close();
            } catch (IOException e) {
              // Deleting it is what matters.
            }
            directory.deleteFile(file.path());
          }
        };
    try {
      queue.execute(delete);
    } catch (RejectedExecutionException e) {
      delete.run(); // the edge is stopping: no I/O thread left to do it
    }
  }

  private FileChannel open() throws IOException {
    if (deleted) {
      throw new IOException("temp file already deleted");
    }
    if (file == null) {
      file = directory.createFile(prefix);
      path = file.path();
    }
    return file.channel();
  }

  private void submit(IoTask task, Consumer<Throwable> done) {
    Runnable run =
        () -> {
          Throwable failure = null;
          try {
            task.run();
          } catch (IOException | RuntimeException e) {
            failure = e;
          }
          Throwable outcome = failure;
          try {
            loop.execute(() -> done.accept(outcome));
          } catch (RejectedExecutionException e) {
            done.accept(outcome); // the loop has stopped: nothing else runs the buffer now
          }
        };
    if (queue == null) {
      queue = new SerialQueue(directory.io());
    }
    try {
      queue.execute(run);
    } catch (RejectedExecutionException e) {
      done.accept(new IOException("buffer I/O threads have stopped", e));
    }
  }

  /** One blocking file operation. */
  @FunctionalInterface
  private interface IoTask {
    void run() throws IOException;
  }
}
