package dev.edge.buffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;
import java.util.ArrayDeque;

/**
 * The part of a {@link BodyBuffer}'s queue that lives in its temp file: the bytes queued for the
 * file, written in the background in batches, and read back in chunks of up to 64 KiB, one chunk
 * ahead of the reader at most. Once every byte was read, the file is emptied and the positions go
 * back to 0.
 *
 * <p>Belongs to the buffer's event loop, as do the {@link Events} it sends.
 */
final class FileQueue {

  /** The most bytes read from the file for one delivery. */
  static final int READ_CHUNK = 64 * 1024;

  private static final int WRITE_BATCH = 1024 * 1024;
  private static final int WRITE_BATCH_BUFFERS = 64;

  /** What the file part tells its buffer. */
  interface Events {
    /** More bytes were written, or a chunk was read ({@link #poll()} has it). */
    void progressed();

    /** A write or read failed; the file part is useless from now on. */
    void failed(Throwable error);
  }

  private final SpillFile file;
  private final ByteBufAllocator alloc;
  private final Events events;
  private final ArrayDeque<ByteBuf> unwritten = new ArrayDeque<>();
  private ByteBuf[] writing;
  private long end;
  private long written;
  private long readFrom;
  private boolean reading;
  private ByteBuf readAhead;
  private boolean closed;

  FileQueue(SpillFile file, ByteBufAllocator alloc, Events events) {
    this.file = file;
    this.alloc = alloc;
    this.events = events;
  }

  /** The temp file, once created and until deleted. */
  Path path() {
    return file.path();
  }

  /** Queues {@code buf}'s bytes for the file; the file part owns it now. */
  void add(ByteBuf buf) {
    unwritten.add(buf);
    end += buf.readableBytes();
    flush();
  }

  /** Whether every byte queued was read (nothing of the body is in the file part). */
  boolean isEmpty() {
    return readFrom == end && !reading && readAhead == null;
  }

  /** Whether every byte queued is in the file. */
  boolean allWritten() {
    return written == end;
  }

  /** Bytes queued for the file and still in memory, waiting for their write. */
  long unwrittenBytes() {
    return end - written;
  }

  /** The next chunk read from the file, or {@code null}; the caller owns it. */
  ByteBuf poll() {
    ByteBuf next = readAhead;
    readAhead = null;
    return next;
  }

  /** Starts reading the next chunk, unless one is being read or waits, or none is written. */
  void readAhead() {
    if (closed || reading || readAhead != null || readFrom == written) {
      return;
    }
    int length = (int) Math.min(READ_CHUNK, written - readFrom);
    ByteBuf into = alloc.ioBuffer(length);
    long position = readFrom;
    readFrom += length;
    reading = true;
    file.read(into, position, length, error -> read(into, error));
  }

  /** Once everything was read, gives the file's space back and starts again at 0. */
  void rewindIfEmpty() {
    if (!closed && end > 0 && isEmpty()) {
      end = 0;
      written = 0;
      readFrom = 0;
      file.truncate();
    }
  }

  /**
   * Releases what it holds and deletes the file (off the loop); a batch being written and a chunk
   * being read are released when their operation returns. Idempotent.
   */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ByteBuf buf = unwritten.poll(); buf != null; buf = unwritten.poll()) {
      buf.release();
    }
    if (readAhead != null) {
      readAhead.release();
      readAhead = null;
    }
    file.delete();
  }

  private void flush() {
    if (closed || writing != null || unwritten.isEmpty()) {
      return;
    }
    int count = 0;
    long bytes = 0;
    for (ByteBuf buf : unwritten) {
      if (count == WRITE_BATCH_BUFFERS
          || (count > 0 && bytes + buf.readableBytes() > WRITE_BATCH)) {
        break;
      }
      count++;
      bytes += buf.readableBytes();
    }
    ByteBuf[] batch = new ByteBuf[count];
    for (int i = 0; i < count; i++) {
      batch[i] = unwritten.poll();
    }
    long batchBytes = bytes;
    writing = batch;
    file.write(batch, written, error -> written(batch, batchBytes, error));
  }

  private void written(ByteBuf[] batch, long bytes, Throwable error) {
    writing = null;
    for (ByteBuf buf : batch) {
      buf.release();
    }
    if (closed) {
      return;
    }
    if (error != null) {
      events.failed(error);
      return;
    }
    written += bytes;
    flush();
    events.progressed();
  }

  private void read(ByteBuf into, Throwable error) {
    reading = false;
    if (closed || error != null) {
      into.release();
      if (!closed) {
        events.failed(error);
      }
      return;
    }
    readAhead = into;
    events.progressed();
  }
}
