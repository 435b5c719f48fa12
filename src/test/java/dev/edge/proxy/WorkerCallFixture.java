package dev.edge.proxy;

import static dev.edge.proxy.WorkerStub.generated;
import static dev.edge.proxy.WorkerStub.ok;
import static dev.edge.proxy.WorkerStub.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.edge.pool.WorkerConnections;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpResources;

/**
 * What {@link WorkerCallTest} runs on: a {@link WorkerStub} on a Unix socket in a temporary
 * directory with the routes below, the worker's connections, and one of Reactor Netty's event loops
 * (as in the edge, where it is the client connection's).
 *
 * <p>Routes: {@code /small} 16 KiB in three writes 20 ms apart; {@code /large} 1 MiB with its
 * length; {@code /close} a small answer with {@code Connection: close} (the stub keeps the
 * connection open); {@code /hang-up} closes without answering; {@code /silent} never answers;
 * {@code /continue} a {@code 100 Continue}, then {@code 200 done}; {@code /upload} answers the
 * body's length, once it has all of it.
 */
abstract class WorkerCallFixture {

  static final Duration WAIT = Duration.ofSeconds(2);
  static final long READ_TIMEOUT = Duration.ofSeconds(5).toNanos();
  static final long SHORT_READ_TIMEOUT = Duration.ofMillis(300).toNanos();
  static final int SMALL = ForwardedHeaders.SMALL_BODY;
  static final int LARGE = 1024 * 1024;
  static final byte[] SMALL_BODY = generated(SMALL);
  static final byte[] LARGE_BODY = generated(LARGE);

  @TempDir Path dir;
  final EventLoop loop = HttpResources.get().onServer(true).next();
  WorkerStub stub;
  WorkerConnections connections;

  @BeforeEach
  void start() {
    stub = WorkerStub.onSocket(dir, WorkerCallFixture::answer);
    connections = new WorkerConnections(stub.address, Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() {
    connections.close();
    stub.close();
  }

  private static void answer(ChannelHandlerContext ctx, WorkerStub.Received request) {
    switch (request.uri()) {
      case "/small" -> {
        ctx.write(
            Unpooled.copiedBuffer(
                "HTTP/1.1 200 OK\r\nContent-Length: " + SMALL + "\r\n\r\n",
                StandardCharsets.US_ASCII));
        write(ctx, Bodies.slice(SMALL_BODY, 0, 1000));
        ctx.executor()
            .schedule(
                () -> write(ctx, Bodies.slice(SMALL_BODY, 1000, 9000)), 20, TimeUnit.MILLISECONDS);
        ctx.executor()
            .schedule(
                () -> write(ctx, Bodies.slice(SMALL_BODY, 9000, SMALL)), 40, TimeUnit.MILLISECONDS);
      }
      case "/large" -> ok(ctx, LARGE_BODY);
      case "/close" -> ok(ctx, "bye".getBytes(StandardCharsets.US_ASCII), "Connection: close");
      case "/hang-up" -> ctx.close();
      case "/silent" -> {
        // never answers
      }
      case "/continue" -> {
        write(ctx, "HTTP/1.1 100 Continue\r\n\r\n");
        ok(ctx, "done".getBytes(StandardCharsets.US_ASCII));
      }
      case "/upload" ->
          ok(ctx, Integer.toString(request.body().length).getBytes(StandardCharsets.US_ASCII));
      default -> write(ctx, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    }
  }

  /** A bodyless GET of {@code uri} with a 5 s read timeout. */
  WorkerCall call(String uri) {
    return call(connections, get(uri), null, READ_TIMEOUT);
  }

  WorkerCall call(
      WorkerConnections to, HttpRequest request, Flux<ByteBuf> body, long readTimeoutNanos) {
    return new WorkerCall(to, loop, request, body, readTimeoutNanos, null, () -> {});
  }

  static HttpRequest get(String uri) {
    HttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
    request.headers().set(HttpHeaderNames.HOST, "localhost");
    return request;
  }

  /** The head of a chunked POST to {@code /upload}. */
  static HttpRequest upload() {
    HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload");
    head.headers()
        .set(HttpHeaderNames.HOST, "localhost")
        .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    return head;
  }

  /**
   * A new connection put in the pool, so that the next call takes it and the test knows which
   * channel that call reads from.
   */
  Channel pooledChannel() throws Exception {
    Channel channel = connections.connect(loop, WorkerChannelHandler.INITIALIZER).sync().channel();
    onLoop(
        () -> {
          connections.release(channel);
          return null;
        });
    return channel;
  }

  /** Like {@link #pooledChannel()}, its buffers allocated by {@code allocator}. */
  Channel pooledChannel(Bodies.Recording allocator) throws Exception {
    Channel channel = pooledChannel();
    onLoop(() -> channel.config().setAllocator(allocator));
    return channel;
  }

  /** The server side of the next connection the stub accepted. */
  Channel serverSide() throws InterruptedException {
    Channel channel = stub.connections.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(channel).as("a connection within %s", WAIT).isNotNull();
    return channel;
  }

  <T> T onLoop(Callable<T> task) throws Exception {
    return loop.submit(task).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether {@code channel} reads, as its event loop sees it. */
  boolean autoRead(Channel channel) {
    try {
      return onLoop(() -> channel.config().isAutoRead());
    } catch (Exception e) {
      throw new AssertionError("could not ask the event loop", e);
    }
  }

  /** Waits up to {@link #WAIT} for {@code condition}, failing past it. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waited %s for %s", WAIT, what).isNegative();
      Thread.sleep(5);
    }
  }

  /** Every buffer {@code allocator} handed out is released (its connection has settled). */
  void assertReleased(Bodies.Recording allocator) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
    while (onLoop(allocator::held) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(allocator.allocated()).as("buffers allocated").isPositive();
    assertThat(onLoop(allocator::held)).as("buffers still held").isZero();
  }

  /** The error the call ended with, as signalled (not wrapped by block). */
  static Throwable failure(Mono<?> call) {
    return Exceptions.unwrap(catchThrowable(() -> call.block(WAIT)));
  }
}
