package dev.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out, so a test can check that each one was
 * released exactly when the body buffer is done with it: the appended ones, and the chunks read
 * back from the file, including one being read when the reader cancels.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {

  private final List<ByteBuf> allocated = new ArrayList<>();

  TrackingAllocator() {
    super(true);
  }

  /** A buffer holding {@code bytes[from, from + length)}. */
  ByteBuf copy(byte[] bytes, int from, int length) {
    return buffer(length).writeBytes(bytes, from, length);
  }

  /** How many buffers were handed out. */
  synchronized int count() {
    return allocated.size();
  }

  /** Every buffer handed out is released. */
  void assertAllReleased() {
    Waits.until("every buffer released", this::allReleased);
    synchronized (this) {
      assertThat(allocated).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }
  }

  private synchronized boolean allReleased() {
    return allocated.stream().allMatch(buf -> buf.refCnt() == 0);
  }

  @Override
  protected synchronized ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
    allocated.add(buf);
    return buf;
  }

  @Override
  protected synchronized ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
    allocated.add(buf);
    return buf;
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }
}
