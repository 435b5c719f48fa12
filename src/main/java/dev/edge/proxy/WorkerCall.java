package dev.edge.proxy;

import dev.edge.buffer.BodyBuffer;
import dev.edge.pool.WorkerConnections;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.io.IOException;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One request sent to one worker on one of its keep-alive connections, and the worker's response.
 * As a {@link Mono} it starts on subscription and emits the {@link WorkerResponse} once the
 * response headers have arrived, or, for a small response (known length up to {@link
 * ForwardedHeaders#SMALL_BODY}), once its whole body has, so it can go out in one write.
 *
 * <p>The request body, if any, goes to the worker with backpressure ({@link RequestBodyWriter}). A
 * large response body is read as fast as the worker writes it into a {@link BodyBuffer} (memory,
 * then a temp file), so the worker is free as soon as it has answered whatever the client's speed
 * (response buffering); it streams back with backpressure instead ({@link ResponseBody}) when
 * buffering is off for the route, or the response is an event stream or says {@code
 * X-Accel-Buffering: no}. When the worker's response is complete, {@code workerDone} runs (the
 * forwarder gives the worker's slot back then). The connection goes back to the worker's idle
 * connections only when both directions ended cleanly and the worker keeps it alive; on any failure
 * or cancellation it is closed, so a half-used connection is never reused.
 *
 * <p>Thread-safety: single subscriber; everything after subscription runs on {@code loop}, the
 * event loop of the client's connection, where the worker connection is opened too.
 */
final class WorkerCall extends Mono<WorkerResponse>
    implements Subscription, WorkerResponseParser.Receiver {

  private final WorkerConnections connections;
  private final EventLoop loop;
  private final HttpRequest request;
  private final Flux<ByteBuf> body;
  private final long readTimeoutNanos;
  private final ResponseBuffers buffers;
  private final Runnable workerDone;
  private final long createdNanos = System.nanoTime();
  private CoreSubscriber<? super WorkerResponse> actual;
  private Channel channel;
  private WorkerChannelHandler handler;
  private RequestBodyWriter writer;
  private HttpResponse head;
  private long headNanos;
  private ByteBuf small;
  private ResponseBody stream;
  private BodyBuffer buffered;
  private volatile boolean sent;
  private boolean requestDone;
  private boolean responseDone;
  private boolean emitted;
  private boolean ended;

  /**
   * A call that sends {@code request} (a {@code FullHttpRequest} when there is no body, else its
   * head followed by {@code body}) on a connection of {@code connections} owned by {@code loop}.
   *
   * @param buffers where a large response body is buffered, or null to stream it
   * @param workerDone runs once the worker's whole response has arrived (not on failure)
   */
  WorkerCall(
      WorkerConnections connections,
      EventLoop loop,
      HttpRequest request,
      Flux<ByteBuf> body,
      long readTimeoutNanos,
      ResponseBuffers buffers,
      Runnable workerDone) {
    this.connections = connections;
    this.loop = loop;
    this.request = request;
    this.body = body;
    this.readTimeoutNanos = readTimeoutNanos;
    this.buffers = buffers;
    this.workerDone = workerDone;
  }

  /**
   * Whether the worker's response head arrived; a small body may still have been on its way, with
   * nothing sent to the client yet.
   */
  boolean answered() {
    return head != null;
  }

  /**
   * When the call was made ({@link System#nanoTime()}): the one clock reading that the pool's idle
   * check and the read timeout's start share when the call starts at once on a pooled connection.
   */
  long createdNanos() {
    return createdNanos;
  }

  /** Whether the request was handed to a connection (the worker may have seen it). */
  boolean sent() {
    return sent;
  }

  @Override
  public void subscribe(CoreSubscriber<? super WorkerResponse> subscriber) {
    this.actual = subscriber;
    subscriber.onSubscribe(this);
    if (loop.inEventLoop()) {
      start(createdNanos);
    } else {
      loop.execute(() -> start(System.nanoTime()));
    }
  }

  /** Emits one value only, after the request; downstream always asks for it at subscription. */
  @Override
  public void request(long n) {}

  /** The client went away or the exchange ended: a call still running closes its connection. */
  @Override
  public void cancel() {
    if (loop.inEventLoop()) {
      abort();
    } else {
      loop.execute(this::abort);
    }
  }

  private void start(long now) {
    if (ended) {
      return;
    }
    Channel pooled = connections.poll(loop, now);
    if (pooled != null) {
      send(pooled, now);
      return;
    }
    ChannelFuture connecting = connections.connect(loop, WorkerChannelHandler.INITIALIZER);
    connecting.addListener(
        done -> {
          if (!done.isSuccess()) {
            fail(done.cause());
          } else if (ended) {
            connections.release(connecting.channel());
          } else {
            send(connecting.channel(), System.nanoTime());
          }
        });
  }

  private void send(Channel connection, long now) {
    channel = connection;
    handler = WorkerChannelHandler.of(connection);
    handler.attach(this, readTimeoutNanos, HttpMethod.HEAD.equals(request.method()), now);
    sent = true;
    if (body == null) {
      RequestWriter.writeHead(connection, request, true);
      requestDone = true;
    } else {
      handler.disarm(); // the client is still sending: the worker is not late yet
      RequestWriter.writeHead(connection, request, false);
      writer = new RequestBodyWriter(this, connection, RequestWriter.chunked(request));
      body.subscribe(writer);
    }
  }

  /** The request body was written to the end. */
  void requestWritten() {
    requestDone = true;
    if (!ended && head == null) {
      handler.arm();
    }
  }

  /**
   * The worker stopped or started taking the request body again (its socket filled up or drained).
   * A worker that takes none of the body for the read timeout is as late as one that never answers,
   * as nginx's {@code proxy_send_timeout}; one that is taking it is not late.
   */
  void bodyBlocked(boolean blocked) {
    if (ended || head != null || requestDone) {
      return;
    }
    if (blocked) {
      handler.arm();
    } else {
      handler.disarm();
    }
  }

  /** The connection can take more of the request body. */
  void writable() {
    if (writer != null) {
      writer.resume();
    }
  }

  /** The response head arrived. */
  @Override
  public void head(HttpResponse response) {
    if (ended) {
      return;
    }
    if (response.status().code() == 101) {
      fail(new IOException("the worker switched protocols on a request that did not ask to"));
      return;
    }
    head = response;
    headNanos = handler.lastRead(); // the read that brought the head: no clock read of its own
    if (!requestDone) {
      handler.arm(); // it answered before the whole body was sent: its silence counts from now
    }
    if (!ForwardedHeaders.isSmall(response.headers())) {
      if (buffers != null && buffers.applyTo(response.headers())) {
        buffered = buffers.newBuffer(loop, channel.alloc());
        buffered.onWritabilityChanged(this::reading);
        emit(new WorkerResponse(response, headNanos, null, buffered));
      } else {
        stream = new ResponseBody(this, loop);
        emit(new WorkerResponse(response, headNanos, null, stream));
      }
    }
  }

  /** A part of the response body arrived (ownership passes here). */
  @Override
  public void body(ByteBuf data) {
    if (ended || head == null) {
      data.release();
    } else if (buffered != null) {
      buffered.append(data);
    } else if (stream != null) {
      stream.next(data);
    } else {
      collect(data);
    }
  }

  /** The response ended; the connection may carry another request when {@code reusable}. */
  @Override
  public void last(HttpHeaders trailers, boolean reusable) {
    if (ended || head == null) {
      return;
    }
    // A worker that answered before reading the whole request body leaves the connection in
    // an unknown state: it is closed rather than reused.
    responseDone = true;
    end(requestDone && reusable);
    if (buffered != null) {
      buffered.finish();
    } else if (stream != null) {
      stream.complete();
    } else {
      ByteBuf whole = small == null ? Unpooled.EMPTY_BUFFER : small;
      small = null;
      emit(new WorkerResponse(head, headNanos, whole, null));
    }
    workerDone.run();
  }

  @Override
  public void malformed(String reason) {
    fail(new IOException("the worker sent a malformed response: " + reason));
  }

  private void collect(ByteBuf data) {
    if (!data.isReadable()) {
      data.release();
    } else if (small == null) {
      small = data;
    } else {
      CompositeByteBuf parts =
          small instanceof CompositeByteBuf composite
              ? composite
              : channel.alloc().compositeBuffer().addComponent(true, small);
      small = parts.addComponent(true, data);
    }
  }

  /** Pauses or resumes reading the response body (the client's side is slow, or caught up). */
  void reading(boolean on) {
    if (responseDone || ended || channel == null) {
      return;
    }
    channel.config().setAutoRead(on);
    if (on) {
      handler.arm();
    } else {
      handler.disarm();
    }
  }

  /** The call failed: the connection is closed; the error goes to whoever waits for it. */
  void fail(Throwable error) {
    if (ended) {
      return;
    }
    if (small != null) {
      small.release();
      small = null;
    }
    end(false);
    if (!emitted) {
      emitted = true;
      actual.onError(error);
    } else if (buffered != null) {
      buffered.fail(error);
    } else if (stream != null) {
      stream.fail(error);
    }
  }

  /** Ends the call early (cancellation): the connection is closed. */
  void abort() {
    if (buffered != null) {
      buffered.close(); // a no-op once the client has read it all; else it frees memory and file
    }
    if (stream != null) {
      stream.abandon();
    }
    if (!ended) {
      if (small != null) {
        small.release();
        small = null;
      }
      emitted = true;
      end(false);
    }
  }

  /**
   * Ends the call: its connection goes back to the idle ones when {@code clean} (both directions
   * complete, and the worker keeps it alive); otherwise it is closed.
   */
  private void end(boolean clean) {
    if (ended) {
      return;
    }
    ended = true;
    if (writer != null) {
      writer.cancel();
    }
    if (channel == null) {
      return;
    }
    handler.detach();
    if (clean) {
      if (!channel.config().isAutoRead()) {
        channel.config().setAutoRead(true);
      }
      connections.release(channel, handler.lastRead()); // the read that ended the response
    } else {
      channel.close();
    }
  }

  private void emit(WorkerResponse response) {
    emitted = true;
    actual.onNext(response);
    actual.onComplete();
  }
}
