package dev.edge.proxy;

import dev.edge.edgefile.HeaderRules;
import dev.edge.observe.Exchange;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * Relays a worker's response to a client of the fast lane ({@link ChannelResponse}): a small
 * response in one write, a large one as its head followed by its body with backpressure (the next
 * chunk is asked for once the connection is writable again, so at most one chunk waits in the edge
 * beyond the channel's high-water mark).
 */
final class ChannelRelay {

  private ChannelRelay() {}

  static Mono<Void> relay(
      WorkerResponse response, ChannelResponse res, Exchange exchange, HeaderRules rules) {
    ByteBuf body = response.body();
    if (!res.clientOpen()) {
      if (body != null) {
        body.release(); // the client left: nobody would send (or release) it
      }
      return Mono.empty();
    }
    HttpHeaders headers = res.headers();
    WorkerForwarder.responseHeaders(response, headers, exchange, rules);
    if (body != null) {
      return res.sendWhole(
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              response.head().status(),
              body,
              headers,
              EmptyHttpHeaders.INSTANCE));
    }
    if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH)
        && mayBeChunked(response.head().status().code())) {
      // a response to HEAD too, though no body follows: it says what the GET would be, as the
      // general lane (Reactor Netty's server) says it, and it keeps the connection reusable there
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    res.sendHead(new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.head().status(), headers));
    return new BodyWriter(response, res, exchange);
  }

  /** Whether a response of {@code status} may say {@code Transfer-Encoding: chunked}. */
  private static boolean mayBeChunked(int status) {
    return status >= 200 && status != 204 && status != 304;
  }

  /** Writes the streamed body to the client; completes after its last part was written. */
  private static final class BodyWriter extends Mono<Void> implements CoreSubscriber<ByteBuf> {

    private final WorkerResponse response;
    private final ChannelResponse res;
    private final Exchange exchange;
    private CoreSubscriber<? super Void> actual;
    private Subscription upstream;
    private boolean done;

    BodyWriter(WorkerResponse response, ChannelResponse res, Exchange exchange) {
      this.response = response;
      this.res = res;
      this.exchange = exchange;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Void> subscriber) {
      actual = subscriber;
      subscriber.onSubscribe(
          new Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {
              Subscription s = upstream;
              if (s != null) {
                s.cancel();
              }
            }
          });
      response.stream().subscribe(this);
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        s.request(1);
      }
    }

    @Override
    public void onNext(ByteBuf chunk) {
      int size = chunk.readableBytes();
      ChannelFuture written = res.sendPart(new DefaultHttpContent(chunk));
      if (res.writable()) {
        upstream.request(1);
      } else {
        written.addListener(
            future -> {
              if (future.isSuccess()) {
                upstream.request(1);
              }
            });
      }
      written.addListener(
          future -> {
            if (future.isSuccess()) {
              exchange.sent(size); // written to the client's socket
            } else {
              fail(future.cause());
            }
          });
    }

    @Override
    public void onError(Throwable error) {
      fail(error);
    }

    @Override
    public void onComplete() {
      res.sendPart(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(
              future -> {
                if (future.isSuccess()) {
                  finish();
                } else {
                  fail(future.cause());
                }
              });
    }

    private void finish() {
      if (!done) {
        done = true;
        actual.onComplete();
      }
    }

    private void fail(Throwable error) {
      if (!done) {
        done = true;
        upstream.cancel();
        actual.onError(error);
      }
    }
  }
}
