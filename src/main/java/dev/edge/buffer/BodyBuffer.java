package dev.edge.buffer;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.buffer.BufferLimits.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * One body in transit between a writer and a reader that go at different speeds: an ordered queue
 * of bytes, the first {@link BufferLimits#memoryLimitBytes()} of them held in memory as the
 * writer's own {@link ByteBuf}s, the rest written to a private temp file (see {@link
 * BufferDirectory}) and read back in chunks of up to 64 KiB. Reads take the memory part first, then
 * the file. Once every byte in the file was read, the file is emptied and memory is used again, so
 * a response that stalls only now and then does not keep going through the disk.
 *
 * <p><b>Writer</b>: {@link #append} (ownership of the buffer passes in), then {@link #finish()} or
 * {@link #fail}. A {@link Kind#REQUEST} buffer fails with {@code body_too_large} past {@link
 * BufferLimits#maxBytes()}; a {@link Kind#RESPONSE} buffer instead turns {@link #writable()} false
 * when that many bytes are held unread, and true again at half, telling its {@link
 * WritabilityListener}. {@link #whenFinished()} completes with the length once every byte is
 * stored, so a request body can go out with {@code Content-Length}.
 *
 * <p><b>Reader</b>: the buffer is a {@link Publisher} of one subscriber that follows the Reactive
 * Streams rules: it gets one {@code ByteBuf} per unit of demand, and owns (releases) it. Use it as
 * {@code Flux.from(buffer)} or with a plain {@link Subscriber}. Subscribing before the writer
 * finishes streams the body as it comes.
 *
 * <p><b>Failure and cleanup</b>: a failed write to the file (a full disk) fails the buffer with
 * {@code buffer_unavailable}; the writer's {@link #fail}, a cap, {@link #close()} or the reader's
 * cancel also end it. On every ending, and on completion, the held buffers are released and the
 * file is deleted (off the event loop). The reader hears the failure as {@code onError}; {@link
 * #whenFinished()} completes exceptionally if it had not completed.
 *
 * <p><b>Threads</b>: every state change and every callback (reader signals, writability, completion
 * of {@link #whenFinished()}) happens on the event loop given at construction. The methods may be
 * called from any thread; calls from another thread are handed to the loop in order. The getters
 * ({@link #size()}, {@link #spilled()}, {@link #complete()}) may be read anywhere. File I/O runs on
 * the directory's {@code edge-buffer-io-N} threads, one operation of this buffer at a time.
 */
public final class BodyBuffer implements Publisher<ByteBuf>, AutoCloseable {

  /**
   * The most bytes on their way to the file (in memory, waiting for the I/O thread) before the
   * writer is asked to pause, whatever the kind: a source faster than the disk must not fill the
   * edge's memory.
   */
  static final long MAX_UNWRITTEN = 1024 * 1024;

  private final BufferDirectory directory;
  private final EventExecutor loop;
  private final BufferLimits limits;
  private final FileQueue file;
  private final CompletableFuture<Long> finished = new CompletableFuture<>();
  private WritabilityListener listener = writable -> {};

  // The rest belongs to the loop. The queue is: memory, then the file part.
  private final ArrayDeque<ByteBuf> memory = new ArrayDeque<>();
  private long memoryBytes;
  private long delivered;
  private boolean writerDone;
  private boolean writable = true;
  private boolean ended;
  private Throwable failure;
  private boolean subscribed;
  private Subscriber<? super ByteBuf> subscriber;
  private long demand;
  private boolean draining;
  private boolean drainAgain;

  private volatile long size;
  private volatile boolean spilled;
  private volatile boolean complete;

  BodyBuffer(
      BufferDirectory directory, EventExecutor loop, BufferLimits limits, ByteBufAllocator alloc) {
    this.directory = directory;
    this.loop = loop;
    this.limits = limits;
    this.file =
        new FileQueue(
            new SpillFile(directory, limits.kind().filePrefix(), loop),
            alloc,
            new FileQueue.Events() {
              @Override
              public void progressed() {
                checkStored();
                drain();
              }

              @Override
              public void failed(Throwable error) {
                fileFailed(error);
              }
            });
  }

  /** Hears a {@link Kind#RESPONSE} buffer's writability change, on the buffer's loop. */
  @FunctionalInterface
  public interface WritabilityListener {
    /** {@code false}: pause reading from the source; {@code true}: resume. */
    void writabilityChanged(boolean writable);
  }

  /** Sets the listener of writability changes; call it before the first {@link #append}. */
  public void onWritabilityChanged(WritabilityListener listener) {
    this.listener = Objects.requireNonNull(listener);
  }

  /**
   * Adds the readable bytes of {@code buf} to the end of the body; the buffer now owns {@code buf}.
   * After {@link #finish()}, {@link #fail} or any ending, the bytes are released and dropped.
   */
  public void append(ByteBuf buf) {
    if (loop.inEventLoop()) {
      appendOnLoop(buf);
      return;
    }
    try {
      loop.execute(() -> appendOnLoop(buf));
    } catch (RejectedExecutionException e) {
      buf.release();
    }
  }

  /** The writer has appended every byte. */
  public void finish() {
    onLoop(
        () -> {
          if (writerDone || ended) {
            return;
          }
          writerDone = true;
          checkStored();
          drain();
        });
  }

  /**
   * The writer could not produce the whole body: the buffer ends with {@code cause}, which the
   * reader gets as {@code onError}. Ignored after {@link #finish()}.
   */
  public void fail(Throwable cause) {
    Objects.requireNonNull(cause);
    onLoop(
        () -> {
          if (!writerDone) {
            end(cause);
          }
        });
  }

  /**
   * Ends the buffer whatever its state: releases what it holds, deletes its file; a reader still
   * reading gets {@code onError(CancellationException)}. Idempotent; a no-op once completed.
   */
  @Override
  public void close() {
    onLoop(
        () -> {
          if (!ended) {
            end(stackless("body buffer closed"));
          }
        });
  }

  /**
   * Completes, on the loop, with the body's length once the writer has finished and every byte is
   * stored (in memory or written to the file); completes exceptionally with the reason the buffer
   * ended otherwise ({@link EdgeException} for a cap or a failed write).
   */
  public CompletionStage<Long> whenFinished() {
    return finished.minimalCompletionStage();
  }

  /** Bytes appended so far (the body's length once finished). */
  public long size() {
    return size;
  }

  /** Whether any byte went to the temp file. */
  public boolean spilled() {
    return spilled;
  }

  /** Whether the writer finished and every byte is stored; {@link #size()} is then final. */
  public boolean complete() {
    return complete;
  }

  /**
   * Whether the writer may go on: fewer than {@link #MAX_UNWRITTEN} bytes wait for the file, and,
   * for a {@link Kind#RESPONSE} buffer, fewer than the cap are held unread. Read it on the loop.
   */
  public boolean writable() {
    return writable;
  }

  /** The temp file, once the buffer spilled and until it is deleted; for logs and tests. */
  Path filePath() {
    return file.path();
  }

  @Override
  public void subscribe(Subscriber<? super ByteBuf> s) {
    Objects.requireNonNull(s);
    onLoop(
        () -> {
          if (subscribed) {
            s.onSubscribe(new Reader(null));
            s.onError(new IllegalStateException("a body buffer has one reader"));
            return;
          }
          subscribed = true;
          subscriber = s;
          boolean outer = !draining;
          draining = true; // no signal before onSubscribe returns
          try {
            s.onSubscribe(new Reader(s));
          } finally {
            draining = !outer;
          }
          drain();
        });
  }

  private void appendOnLoop(ByteBuf buf) {
    int bytes = buf.readableBytes();
    if (ended || writerDone || bytes == 0) {
      buf.release();
      return;
    }
    if (limits.kind() == Kind.REQUEST && size + bytes > limits.maxBytes()) {
      buf.release();
      end(
          new EdgeException(
              Reason.BODY_TOO_LARGE,
              "request body is larger than " + limits.maxBytes() + " bytes"));
      return;
    }
    size += bytes;
    if (file.isEmpty() && memoryBytes + bytes <= limits.memoryLimitBytes()) {
      memory.add(buf); // memory comes before the file part, so only while that is empty
      memoryBytes += bytes;
    } else {
      spilled = true;
      file.add(buf);
    }
    drain();
  }

  private void fileFailed(Throwable error) {
    directory.reportFailure(file.path(), error);
    end(
        new EdgeException(
            Reason.BUFFER_UNAVAILABLE, "cannot keep the body in its temp file: " + error));
  }

  private void checkStored() {
    if (writerDone && !ended && file.allWritten() && !complete) {
      complete = true;
      finished.complete(size);
    }
  }

  /** Ends the buffer with {@code cause} (see {@link #close()}); the first ending wins. */
  private void end(Throwable cause) {
    if (ended) {
      return;
    }
    ended = true;
    failure = cause;
    release(memory);
    memoryBytes = 0;
    file.close();
    finished.completeExceptionally(cause);
    drain();
  }

  /**
   * How a closed or cancelled buffer ends: an expected outcome on every exchange, so without the
   * cost of a stack trace (and none is made when the buffer had already ended).
   */
  private static CancellationException stackless(String why) {
    return new CancellationException(why) {
      private static final long serialVersionUID = 1L;

      @Override
      public synchronized Throwable fillInStackTrace() {
        return this;
      }
    };
  }

  private static void release(ArrayDeque<ByteBuf> bufs) {
    for (ByteBuf buf = bufs.poll(); buf != null; buf = bufs.poll()) {
      buf.release();
    }
  }

  /** Delivers what the reader asked for and what it must hear; re-entrant calls loop here. */
  private void drain() {
    if (draining) {
      drainAgain = true;
      return;
    }
    draining = true;
    try {
      do {
        drainAgain = false;
        deliver();
        afterDelivery();
      } while (drainAgain);
    } finally {
      draining = false;
    }
  }

  private void deliver() {
    Subscriber<? super ByteBuf> s = subscriber;
    if (s == null) {
      return;
    }
    if (ended) {
      subscriber = null;
      if (failure != null) {
        s.onError(failure);
      }
      return;
    }
    while (demand > 0) {
      ByteBuf next = memory.poll();
      if (next != null) {
        memoryBytes -= next.readableBytes();
      } else {
        next = file.poll();
        if (next == null) {
          break;
        }
      }
      demand--;
      delivered += next.readableBytes();
      s.onNext(next);
      if (ended || subscriber == null) {
        drainAgain = true; // the reader ended it from onNext
        return;
      }
    }
    if (demand > 0) {
      file.readAhead(); // memory is empty here: the file part is next
    }
    if (complete && memory.isEmpty() && file.isEmpty()) {
      ended = true;
      subscriber = null;
      file.close();
      s.onComplete();
    }
  }

  private void afterDelivery() {
    if (ended) {
      return;
    }
    file.rewindIfEmpty();
    long unwritten = file.unwrittenBytes();
    long held = size - delivered;
    boolean response = limits.kind() == Kind.RESPONSE;
    if (writable && (unwritten >= MAX_UNWRITTEN || (response && held >= limits.maxBytes()))) {
      writable = false;
      listener.writabilityChanged(false);
    } else if (!writable
        && unwritten <= MAX_UNWRITTEN / 2
        && (!response || held <= limits.maxBytes() / 2)) {
      writable = true;
      listener.writabilityChanged(true);
    }
  }

  private void onLoop(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  /** The reader's subscription; a {@code null} subscriber marks a refused second subscription. */
  private final class Reader implements Subscription {

    private final Subscriber<? super ByteBuf> owner;

    Reader(Subscriber<? super ByteBuf> owner) {
      this.owner = owner;
    }

    @Override
    public void request(long n) {
      onLoop(
          () -> {
            if (owner == null || subscriber != owner) {
              return;
            }
            if (n <= 0) {
              end(new IllegalArgumentException("§3.9: request must be positive, was " + n));
              return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            drain();
          });
    }

    @Override
    public void cancel() {
      onLoop(
          () -> {
            if (owner == null || subscriber != owner) {
              return;
            }
            subscriber = null;
            end(stackless("reader cancelled"));
          });
    }
  }
}
