package dev.edge.proxy;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.buffer.BodyBuffer;
import dev.edge.buffer.BufferDirectory;
import dev.edge.buffer.BufferLimits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Request buffering: the edge reads a client's whole request body before it asks for a worker, so a
 * slow or half-duplex client never holds a worker's slot, and a chunked body goes to the worker
 * with a {@code Content-Length}. The body is kept in memory up to {@code memoryBytes}, then in a
 * private temp file ({@link BodyBuffer}). Reading the body answers {@code Expect: 100-continue}
 * (Reactor Netty sends the {@code 100} when the body is first asked for).
 *
 * @param directory where the temp files go
 * @param memoryBytes how much of one body stays in memory
 * @param edgeMaxBodyBytes the edge-wide body limit ({@code --max-body-mb}), 0 for none
 */
public record RequestBuffers(BufferDirectory directory, int memoryBytes, long edgeMaxBodyBytes) {

  private static final Map<String, String> CLOSE = Map.of("Connection", "close");

  /**
   * Reads {@code req}'s whole body; completes with the buffer holding it once every byte is stored.
   * The caller owns the buffer and closes it when the exchange ends. Fails with {@code 413
   * body_too_large} (and {@code Connection: close}: the rest is never read) past the route's limit,
   * {@code 503 buffer_unavailable} when the temp file cannot be written, or with the client's error
   * when it goes away. Cancelling stops reading and deletes what was stored.
   *
   * @param routeMaxBodyBytes the route's own body limit, or -1 for the edge-wide one
   */
  public Mono<BodyBuffer> read(HttpServerRequest req, long routeMaxBodyBytes) {
    long max =
        routeMaxBodyBytes >= 0
            ? routeMaxBodyBytes
            : edgeMaxBodyBytes > 0 ? edgeMaxBodyBytes : Long.MAX_VALUE;
    if (max == 0) {
      return Mono.error(tooLarge(0));
    }
    Channel channel = ((Connection) req).channel();
    return Mono.create(
        sink -> {
          BodyBuffer buffer =
              directory.newBuffer(
                  channel.eventLoop(),
                  new BufferLimits(BufferLimits.Kind.REQUEST, memoryBytes, max),
                  channel.alloc());
          BaseSubscriber<ByteBuf> reading = new BodyReader(buffer);
          buffer.onWritabilityChanged(
              writable -> {
                if (writable) {
                  reading.request(1); // the file caught up: read on from the client
                }
              });
          req.receive().retain().subscribe(reading);
          sink.onCancel(
              () -> {
                reading.dispose();
                buffer.close();
              });
          buffer
              .whenFinished()
              .whenComplete(
                  (length, error) -> {
                    if (error == null) {
                      sink.success(buffer);
                    } else {
                      reading.dispose();
                      buffer.close();
                      sink.error(refusal(error, max));
                    }
                  });
        });
  }

  /**
   * Reads {@code req}'s whole body ({@link #read}), then {@code send}s it on; the buffer is closed
   * (its file deleted) when what {@code send} returned ends, however it ends.
   */
  public Mono<Void> readThen(
      HttpServerRequest req, long routeMaxBodyBytes, Function<BodyBuffer, Mono<Void>> send) {
    return read(req, routeMaxBodyBytes)
        .flatMap(body -> send.apply(body).doFinally(signal -> body.close()));
  }

  /**
   * Moves the client's body into {@code buffer} one chunk at a time, asking for the next only while
   * the buffer is writable, so a client faster than the disk is slowed down (its connection stops
   * being read) instead of filling the edge's memory.
   */
  private static final class BodyReader extends BaseSubscriber<ByteBuf> {
    private final BodyBuffer buffer;

    BodyReader(BodyBuffer buffer) {
      this.buffer = buffer;
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
      request(1);
    }

    @Override
    protected void hookOnNext(ByteBuf chunk) {
      buffer.append(chunk);
      if (buffer.writable()) {
        request(1);
      }
    }

    @Override
    protected void hookOnComplete() {
      buffer.finish();
    }

    @Override
    protected void hookOnError(Throwable error) {
      buffer.fail(error);
    }
  }

  /** The error a failed read is answered with. */
  private static Throwable refusal(Throwable error, long max) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof EdgeException edge && edge.reason() == Reason.BODY_TOO_LARGE) {
      return tooLarge(max);
    }
    return cause;
  }

  private static EdgeException tooLarge(long max) {
    return new EdgeException(
        Reason.BODY_TOO_LARGE,
        "the request body is larger than the limit of " + max + " bytes",
        CLOSE);
  }
}
