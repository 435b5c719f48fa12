package dev.edge.buffer;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A plain Reactive Streams reader, driven by the test: it asks for what the test says, copies each
 * chunk and releases it, and notes any signal that does not come from the expected event loop.
 */
final class TestReader implements Subscriber<ByteBuf> {

  private final Thread loopThread;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final AtomicInteger chunks = new AtomicInteger();
  final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile Subscription subscription;
  private volatile String wrongThread;

  TestReader(Thread loopThread) {
    this.loopThread = loopThread;
  }

  @Override
  public void onSubscribe(Subscription s) {
    check();
    subscription = s;
  }

  @Override
  public void onNext(ByteBuf buf) {
    check();
    synchronized (bytes) {
      byte[] copy = new byte[buf.readableBytes()];
      buf.readBytes(copy);
      bytes.writeBytes(copy);
    }
    buf.release();
    chunks.incrementAndGet();
  }

  @Override
  public void onError(Throwable t) {
    check();
    done.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    check();
    done.complete(null);
  }

  private void check() {
    if (Thread.currentThread() != loopThread) {
      wrongThread = Thread.currentThread().getName();
    }
  }

  void request(long n) {
    Waits.until("subscribed", () -> subscription != null);
    subscription.request(n);
  }

  void cancel() {
    subscription.cancel();
  }

  int chunks() {
    return chunks.get();
  }

  /** Asks for one chunk at a time until the end, waiting for each. */
  void readSlowly() throws InterruptedException {
    while (!done.isDone()) {
      int before = chunks();
      request(1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (chunks() == before && !done.isDone()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no chunk after request(1)");
        }
        Thread.sleep(0, 200_000);
      }
    }
  }

  byte[] bytes() {
    synchronized (bytes) {
      return bytes.toByteArray();
    }
  }

  /** The thread of a signal that did not come from the loop, or null. */
  String wrongThread() {
    return wrongThread;
  }
}
