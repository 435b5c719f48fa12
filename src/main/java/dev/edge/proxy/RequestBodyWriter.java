package dev.edge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * Writes a client's request body to a worker connection one chunk at a time: the next chunk is
 * asked for only while the connection is writable, so a slow worker slows the client down instead
 * of filling the edge's memory. While the connection cannot take more, the worker's read timeout
 * runs: a worker that stops reading the body fails the call instead of holding it forever.
 *
 * <p>Thread-safety: confined to the connection's event loop, where the client's body arrives too
 * (the client connection and the worker connection share it).
 */
final class RequestBodyWriter implements CoreSubscriber<ByteBuf> {

  private final WorkerCall call;
  private final Channel channel;
  private final boolean chunked;
  private Subscription upstream;
  private boolean waiting;
  private boolean done;

  /**
   * A writer of {@code call}'s body to {@code channel}, in chunks when {@code chunked} (else as it
   * is: the head told its length).
   */
  RequestBodyWriter(WorkerCall call, Channel channel, boolean chunked) {
    this.call = call;
    this.channel = channel;
    this.chunked = chunked;
  }

  @Override
  public void onSubscribe(Subscription s) {
    upstream = s;
    if (done) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(ByteBuf chunk) {
    if (done) {
      chunk.release();
      return;
    }
    RequestWriter.writeBody(channel, chunk, chunked);
    channel.flush();
    if (channel.isWritable()) {
      upstream.request(1);
    } else {
      waiting = true;
      call.bodyBlocked(true);
    }
  }

  /** The connection is writable again: ask for the next chunk if one was held back. */
  void resume() {
    if (waiting && !done) {
      waiting = false;
      call.bodyBlocked(false);
      upstream.request(1);
    }
  }

  @Override
  public void onError(Throwable error) {
    if (!done) {
      done = true;
      call.fail(error);
    }
  }

  @Override
  public void onComplete() {
    if (!done) {
      done = true;
      RequestWriter.writeEnd(channel, chunked);
      call.requestWritten();
    }
  }

  /** Stops taking the client's body (the call ended). */
  void cancel() {
    if (!done) {
      done = true;
      if (upstream != null) {
        upstream.cancel();
      }
    }
  }
}
