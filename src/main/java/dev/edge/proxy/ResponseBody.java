package dev.edge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Operators;

/**
 * A worker's response body as it arrives, for one subscriber (the client's response). Chunks wait
 * here only while the subscriber has no demand, and then reading from the worker pauses, so the
 * edge holds at most one read's worth of a slow client's body.
 *
 * <p>Thread-safety: confined to the worker connection's event loop; {@link #request} and {@link
 * #cancel} from another thread are moved onto it.
 */
final class ResponseBody implements Publisher<ByteBuf>, Subscription {

  private final WorkerCall call;
  private final EventLoop loop;
  private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>(4);
  private Subscriber<? super ByteBuf> subscriber;
  private long demand;
  private boolean complete;
  private Throwable error;
  private boolean terminated;
  private boolean draining;
  private boolean paused;

  ResponseBody(WorkerCall call, EventLoop loop) {
    this.call = call;
    this.loop = loop;
  }

  @Override
  public void subscribe(Subscriber<? super ByteBuf> s) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> subscribe(s));
      return;
    }
    if (subscriber != null) {
      Operators.error(s, new IllegalStateException("a response body has one subscriber"));
      return;
    }
    if (terminated) {
      Operators.error(s, new CancellationException("the worker call was cancelled"));
      return;
    }
    subscriber = s;
    s.onSubscribe(this);
    drain();
  }

  @Override
  public void request(long n) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> request(n));
      return;
    }
    if (n <= 0) {
      error = new IllegalArgumentException("§3.9: request(" + n + ") is not positive");
    } else {
      demand = Operators.addCap(demand, n);
    }
    drain();
  }

  @Override
  public void cancel() {
    if (!loop.inEventLoop()) {
      loop.execute(this::cancel);
      return;
    }
    if (!terminated) {
      terminated = true;
      releaseWaiting();
      call.abort();
    }
  }

  /** The call was given up: what nobody subscribed to read is released. */
  void abandon() {
    if (subscriber == null && !terminated) {
      terminated = true;
      releaseWaiting();
    }
  }

  /** A chunk arrived from the worker (ownership passes here). */
  void next(ByteBuf chunk) {
    if (terminated || !chunk.isReadable()) {
      chunk.release();
      return;
    }
    waiting.add(chunk);
    drain();
  }

  /** The body ended. */
  void complete() {
    complete = true;
    drain();
  }

  /** The body broke off. */
  void fail(Throwable cause) {
    error = cause;
    drain();
  }

  private void drain() {
    if (terminated) {
      releaseWaiting();
      return;
    }
    if (subscriber == null) {
      if (!waiting.isEmpty() && !paused && !complete) {
        paused = true;
        call.reading(false);
      }
      return;
    }
    if (draining) {
      return;
    }
    draining = true;
    try {
      while (demand > 0 && !waiting.isEmpty() && !terminated) {
        demand--;
        subscriber.onNext(waiting.poll());
      }
      if (terminated) {
        releaseWaiting();
      } else if (error != null) {
        terminated = true;
        releaseWaiting();
        subscriber.onError(error);
      } else if (complete && waiting.isEmpty()) {
        terminated = true;
        subscriber.onComplete();
      } else if (!complete && (demand == 0) != paused) {
        paused = demand == 0;
        call.reading(!paused);
      }
    } finally {
      draining = false;
    }
  }

  private void releaseWaiting() {
    for (ByteBuf chunk = waiting.poll(); chunk != null; chunk = waiting.poll()) {
      chunk.release();
    }
  }
}
