package dev.edge.buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A real temp file on a disk that is full past {@code capacity} bytes: a write that would go beyond
 * fails with the {@link IOException} the kernel's {@code ENOSPC} gives. Tests run as root, where
 * permissions do not stop writes, so this is how they get a failing disk.
 */
final class FullDiskChannel extends FileChannel {

  private final FileChannel file;
  private final long capacity;

  FullDiskChannel(FileChannel file, long capacity) {
    this.file = file;
    this.capacity = capacity;
  }

  private void fits(long position, long bytes) throws IOException {
    if (position + bytes > capacity) {
      throw new IOException("No space left on device");
    }
  }

  private static long remaining(ByteBuffer[] srcs, int offset, int length) {
    long sum = 0;
    for (int i = offset; i < offset + length; i++) {
      sum += srcs[i].remaining();
    }
    return sum;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    fits(file.position(), src.remaining());
    return file.write(src);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    fits(file.position(), remaining(srcs, offset, length));
    return file.write(srcs, offset, length);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    fits(position, src.remaining());
    return file.write(src, position);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return file.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return file.read(dsts, offset, length);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return file.read(dst, position);
  }

  @Override
  public long position() throws IOException {
    return file.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    file.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return file.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    file.truncate(size);
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    file.force(metaData);
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return file.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    fits(position, count);
    return file.transferFrom(src, position, count);
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return file.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return file.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return file.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    file.close();
  }
}
