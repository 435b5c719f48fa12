package dev.edge.proxy;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * Body helpers for the {@link WorkerCall} tests: bytes out of buffers (released), a subscriber that
 * asks for nothing by itself, and an allocator that remembers every buffer it handed out.
 */
final class Bodies {

  private Bodies() {}

  /** The readable bytes of {@code buf}, which is released. */
  static byte[] bytes(ByteBuf buf) {
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  /** The readable bytes of {@code buf} as ASCII, released. */
  static String text(ByteBuf buf) {
    return new String(bytes(buf), StandardCharsets.US_ASCII);
  }

  /** Everything {@code body} emits, in order, each buffer released. */
  static byte[] collect(Publisher<ByteBuf> body, Duration wait) {
    List<byte[]> parts = Flux.from(body).map(Bodies::bytes).collectList().block(wait);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    parts.forEach(all::writeBytes);
    return all.toByteArray();
  }

  static byte[] slice(byte[] bytes, int from, int to) {
    return Arrays.copyOfRange(bytes, from, to);
  }

  /** A body subscriber whose demand comes from the test only ({@link #request}). */
  static final class Steps extends BaseSubscriber<ByteBuf> {
    final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final CountDownLatch subscribed = new CountDownLatch(1);

    /**
     * Subscribes to {@code body} and waits for its subscription (the body subscribes on its event
     * loop, and a request made before would be lost).
     */
    static Steps of(Publisher<ByteBuf> body, Duration wait) throws InterruptedException {
      Steps steps = new Steps();
      body.subscribe(steps);
      if (!steps.subscribed.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("no subscription within " + wait);
      }
      return steps;
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
      // no demand of its own
      subscribed.countDown();
    }

    @Override
    protected void hookOnNext(ByteBuf chunk) {
      chunks.add(bytes(chunk));
    }

    @Override
    protected void hookOnComplete() {
      done.complete(null);
    }

    @Override
    protected void hookOnError(Throwable error) {
      done.completeExceptionally(error);
    }
  }

  /**
   * Allocates as Netty's unpooled allocator and keeps every buffer, to tell which are still held:
   * set on a connection, it sees the buffers its reads go into.
   */
  static final class Recording extends AbstractByteBufAllocator {
    private static final UnpooledByteBufAllocator UNPOOLED =
        new UnpooledByteBufAllocator(true, true);
    private final List<ByteBuf> allocated = new CopyOnWriteArrayList<>();

    Recording() {
      super(true);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      ByteBuf buf = UNPOOLED.directBuffer(initialCapacity, maxCapacity);
      allocated.add(buf);
      return buf;
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      ByteBuf buf = UNPOOLED.heapBuffer(initialCapacity, maxCapacity);
      allocated.add(buf);
      return buf;
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }

    /** How many buffers were allocated. */
    int allocated() {
      return allocated.size();
    }

    /** How many of them are not released yet. */
    int held() {
      return (int) allocated.stream().filter(buf -> buf.refCnt() > 0).count();
    }
  }
}
