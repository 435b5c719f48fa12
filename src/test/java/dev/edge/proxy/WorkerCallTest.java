package dev.edge.proxy;

import static dev.edge.proxy.Bodies.bytes;
import static dev.edge.proxy.Bodies.collect;
import static dev.edge.proxy.Bodies.slice;
import static dev.edge.proxy.Bodies.text;
import static dev.edge.proxy.WorkerStub.generated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.edge.buffer.BodyBuffer;
import dev.edge.buffer.BufferDirectory;
import dev.edge.pool.WorkerConnections;
import dev.edge.sdk.EdgeWorker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * {@link WorkerCall} against a real server on a Unix socket, on one of Reactor Netty's event loops
 * as in the edge ({@link WorkerCallFixture}): what arrives, byte for byte; which connections go
 * back to the pool; when reading pauses; how a call fails; and that no buffer is left behind.
 */
class WorkerCallTest extends WorkerCallFixture {

  @Test
  void smallResponseArrivesWholeAndItsConnectionIsReused() throws Exception {
    for (int i = 0; i < 2; i++) {
      WorkerResponse response = call("/small").block(WAIT);

      assertThat(response.head().status().code()).isEqualTo(200);
      assertThat(response.stream()).isNull();
      assertThat(bytes(response.body())).isEqualTo(SMALL_BODY);
    }
    assertThat(stub.requests).hasSize(2);
    assertThat(stub.accepted).hasValue(1);
  }

  @Test
  void aBufferedResponseFreesTheWorkerBeforeAnyoneReadsIt() throws Exception {
    try (BufferDirectory buffers = BufferDirectory.open(dir.resolve("buffers"))) {
      AtomicBoolean workerDone = new AtomicBoolean();
      WorkerCall call =
          new WorkerCall(
              connections,
              loop,
              get("/large"),
              null,
              READ_TIMEOUT,
              new ResponseBuffers(buffers, 4096, 1L << 30),
              () -> workerDone.set(true));
      WorkerResponse response = call.block(WAIT);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!workerDone.get() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }

      assertThat(workerDone).as("the whole response read with nobody reading it").isTrue();
      assertThat(response.stream()).isInstanceOf(BodyBuffer.class);
      assertThat(((BodyBuffer) response.stream()).spilled()).isTrue();
      assertThat(collect(response.stream(), WAIT)).isEqualTo(LARGE_BODY);
      deadline = System.nanoTime() + WAIT.toNanos();
      while (buffers.openFiles() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(buffers.openFiles()).as("temp files left").isZero();
      // the connection went back to the pool when the worker was done
      assertThat(bytes(call("/small").block(WAIT).body())).isEqualTo(SMALL_BODY);
      assertThat(stub.accepted).hasValue(1);
    }
  }

  @Test
  void largeResponseStreamsWithExactBytes() throws Exception {
    WorkerResponse response = call("/large").block(WAIT);

    assertThat(response.head().status().code()).isEqualTo(200);
    assertThat(response.body()).isNull();
    assertThat(collect(response.stream(), WAIT)).isEqualTo(LARGE_BODY);
    // streamed to the end, the connection serves the next call
    assertThat(bytes(call("/small").block(WAIT).body())).isEqualTo(SMALL_BODY);
    assertThat(stub.accepted).hasValue(1);
  }

  @Test
  void responseWithConnectionCloseIsNotPooled() throws Exception {
    WorkerResponse response = call("/close").block(WAIT);

    assertThat(response.head().headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    assertThat(text(response.body())).isEqualTo("bye");
    // the stub does not close it: the edge does
    assertThat(serverSide().closeFuture().await(WAIT.toMillis())).isTrue();
    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isNull();
    assertThat(text(call("/close").block(WAIT).body())).isEqualTo("bye");
    assertThat(stub.accepted).hasValue(2);
  }

  @Test
  void workerClosingBeforeAnsweringFailsTheCallAfterItWasSent() {
    WorkerCall call = call("/hang-up");

    Throwable error = failure(call);

    assertThat(error)
        .isInstanceOf(IOException.class)
        .hasMessage("the worker closed the connection before the response ended");
    assertThat(call.sent()).isTrue();
  }

  @Test
  void missingSocketFailsTheCallBeforeAnythingIsSent() {
    WorkerConnections nowhere =
        new WorkerConnections(
            EdgeWorker.unixAddress(dir.resolve("absent.sock").toString()), Duration.ofSeconds(30));
    WorkerCall call = call(nowhere, get("/small"), null, READ_TIMEOUT);

    Throwable error = failure(call);

    // what the native transport reports for a socket file that is gone: not a ConnectException
    assertThat(error).isInstanceOf(FileNotFoundException.class);
    assertThat(call.sent()).isFalse();
    assertThat(stub.accepted).hasValue(0);
  }

  @Test
  void silentWorkerFailsTheCallWithReadTimeoutAfterTheReadTimeout() throws Exception {
    long started = System.nanoTime();
    WorkerCall call = call(connections, get("/silent"), null, SHORT_READ_TIMEOUT);

    Throwable error = failure(call);

    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(error).isInstanceOf(ReadTimeoutException.class);
    // never before the 300 ms read timeout; loose above it, for a loaded machine
    assertThat(tookMillis).isBetween(300L, 4000L);
    assertThat(call.sent()).isTrue();
    // a timed-out connection is closed, not reused
    assertThat(serverSide().closeFuture().await(WAIT.toMillis())).isTrue();
  }

  @Test
  void readTimeoutOfAReusedConnectionIsItsNewCallsOwn() throws Exception {
    // the first call leaves the connection's timer due in 5 s; the second one must not wait that
    assertThat(bytes(call("/small").block(WAIT).body())).isEqualTo(SMALL_BODY);
    long started = System.nanoTime();
    WorkerCall call = call(connections, get("/silent"), null, SHORT_READ_TIMEOUT);

    Throwable error = failure(call);

    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(error).isInstanceOf(ReadTimeoutException.class);
    assertThat(tookMillis).isBetween(300L, 4000L); // not the previous call's timer, due at 5 s
    assertThat(stub.accepted).hasValue(1);
  }

  @Test
  void streamedBodyPausesReadingWithoutDemandAndResumesOnRequest() throws Exception {
    Bodies.Recording allocator = new Bodies.Recording();
    Channel channel = pooledChannel(allocator);
    WorkerResponse response = call("/large").block(WAIT);
    assertThat(response.stream()).isNotNull();

    // nobody asks for the body yet: what arrived waits and reading stops
    await("reading to stop", () -> !autoRead(channel));
    Bodies.Steps steps = Bodies.Steps.of(response.stream(), WAIT);
    Thread.sleep(100);
    assertThat(steps.chunks).isEmpty();
    assertThat(steps.done).isNotDone();
    assertThat(autoRead(channel)).isFalse();

    ByteArrayOutputStream received = new ByteArrayOutputStream();
    while (received.size() < LARGE) {
      steps.request(1);
      byte[] chunk = steps.chunks.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(chunk).as("a chunk after request(1) at %d bytes", received.size()).isNotNull();
      received.write(chunk);
      if (received.size() <= LARGE / 4) {
        // far from the end: each chunk is read on demand, then reading stops again
        assertThat(autoRead(channel)).as("reading at %d bytes", received.size()).isFalse();
      }
    }
    steps.done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(received.toByteArray()).isEqualTo(LARGE_BODY);
    // ended cleanly, the connection is back in the pool, reads again, and holds no buffer
    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isSameAs(channel);
    assertThat(autoRead(channel)).isTrue();
    assertReleased(allocator);
    assertThat(stub.accepted).hasValue(1);
  }

  @Test
  void bodyWaitingForItsReaderIsNotTimedOut() throws Exception {
    WorkerCall call = call(connections, get("/large"), null, SHORT_READ_TIMEOUT);
    WorkerResponse response = call.block(WAIT);

    // the client is slower than the read timeout, before and after it starts reading
    Thread.sleep(400);
    Bodies.Steps steps = Bodies.Steps.of(response.stream(), WAIT);
    steps.request(1);
    byte[] first = steps.chunks.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(first).isNotNull();
    Thread.sleep(400);
    steps.request(Long.MAX_VALUE);

    steps.done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    received.write(first);
    steps.chunks.forEach(received::writeBytes);
    assertThat(received.toByteArray()).isEqualTo(LARGE_BODY);
  }

  @Test
  void cancellingAStreamedBodyClosesItsConnectionAndReleasesWhatWaited() throws Exception {
    Bodies.Recording allocator = new Bodies.Recording();
    Channel channel = pooledChannel(allocator);
    WorkerResponse response = call("/large").block(WAIT);
    await("reading to stop", () -> !autoRead(channel)); // some of the body waits
    Bodies.Steps steps = Bodies.Steps.of(response.stream(), WAIT);

    steps.cancel();

    assertThat(channel.closeFuture().await(WAIT.toMillis())).isTrue();
    assertReleased(allocator);
    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isNull();
    assertThat(bytes(call("/small").block(WAIT).body())).isEqualTo(SMALL_BODY);
    assertThat(stub.accepted).hasValue(2);
  }

  /**
   * WorkerForwarder cancels the call when it ends (doFinally), also when the relay failed or never
   * subscribed to the body (the client's connection was gone: Reactor Netty's send() then returns
   * an error without subscribing). The chunks that arrived meanwhile must not stay referenced.
   */
  @Test
  void cancellingTheCallReleasesABodyNobodySubscribedTo() throws Exception {
    Bodies.Recording allocator = new Bodies.Recording();
    Channel channel = pooledChannel(allocator);
    WorkerCall call = call("/large");
    WorkerResponse response = call.block(WAIT);
    assertThat(response.stream()).isNotNull();
    await("reading to stop", () -> !autoRead(channel));

    call.cancel();

    assertThat(channel.closeFuture().await(WAIT.toMillis())).isTrue();
    assertReleased(allocator);
  }

  @Test
  void continueBeforeTheResponseIsSkipped() throws Exception {
    WorkerResponse response = call("/continue").block(WAIT);

    assertThat(response.head().status().code()).isEqualTo(200);
    assertThat(text(response.body())).isEqualTo("done");
    // and the connection is in a clean state for the next call
    assertThat(bytes(call("/small").block(WAIT).body())).isEqualTo(SMALL_BODY);
    assertThat(stub.accepted).hasValue(1);
  }

  @Test
  void requestBodyArrivesByteExact() throws Exception {
    // past the 64 KiB high-water mark, so the writer must wait for writability on the way
    byte[] upload = generated(600 * 1024 + 7);
    WorkerCall call = call(connections, upload(), chunks(upload, 100 * 1024), READ_TIMEOUT);

    WorkerResponse response = call.block(WAIT);

    assertThat(text(response.body())).isEqualTo(Integer.toString(upload.length));
    WorkerStub.Received received = stub.requests.take();
    assertThat(received.method()).isEqualTo("POST");
    assertThat(received.body()).isEqualTo(upload);
    // both directions ended: the connection serves the next call
    assertThat(bytes(call("/small").block(WAIT).body())).isEqualTo(SMALL_BODY);
    assertThat(stub.accepted).hasValue(1);
  }

  /**
   * The read timeout is the worker's silence while the edge waits for it, as nginx's
   * proxy_read_timeout and Reactor Netty's responseTimeout (the HttpClient this replaced): it
   * starts once the request was sent. A client that uploads slower than the read timeout, to a
   * worker that answers once it has the whole body, is not a worker timeout.
   */
  @Test
  void readTimeoutStartsOnceTheRequestBodyIsSent() throws Exception {
    byte[] upload = generated(4 * 1024);
    Flux<ByteBuf> slowClient =
        chunks(upload, 1024)
            .delayElements(Duration.ofMillis(150))
            .publishOn(Schedulers.fromExecutor(loop)); // the client's body arrives on the loop
    WorkerCall call = call(connections, upload(), slowClient, SHORT_READ_TIMEOUT);
    AtomicReference<WorkerResponse> response = new AtomicReference<>();

    Throwable error = catchThrowable(() -> response.set(call.block(WAIT)));

    assertThat(error).as("the call failed while the client was still sending").isNull();
    assertThat(text(response.get().body())).isEqualTo(Integer.toString(upload.length));
    assertThat(stub.requests.take().body()).isEqualTo(upload);
  }

  /**
   * A worker that accepts the connection and then reads nothing (stuck, but alive) fills its
   * socket; the upload then stalls for good unless the read timeout runs while the worker takes no
   * body, as nginx's proxy_send_timeout. The client's body is cancelled with the call.
   */
  @Test
  void workerThatStopsReadingTheBodyFailsTheCallAtTheReadTimeout() throws Exception {
    Path socket = dir.resolve("stuck.sock");
    try (ServerSocketChannel stuck = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      stuck.bind(UnixDomainSocketAddress.of(socket));
      WorkerConnections toStuck =
          new WorkerConnections(EdgeWorker.unixAddress(socket.toString()), Duration.ofSeconds(30));
      AtomicBoolean cancelled = new AtomicBoolean();
      Flux<ByteBuf> endless =
          Flux.<ByteBuf>generate(sink -> sink.next(Unpooled.wrappedBuffer(new byte[64 * 1024])))
              .doOnCancel(() -> cancelled.set(true));
      WorkerCall call = call(toStuck, upload(), endless, SHORT_READ_TIMEOUT);

      Throwable error = failure(call);

      assertThat(error).isInstanceOf(ReadTimeoutException.class);
      assertThat(call.sent()).isTrue();
      await("the client's body cancelled", cancelled::get);
      toStuck.close();
    }
  }

  /** {@code bytes} as buffers of {@code size} bytes (the last one shorter). */
  private static Flux<ByteBuf> chunks(byte[] bytes, int size) {
    List<ByteBuf> chunks = new ArrayList<>();
    for (int from = 0; from < bytes.length; from += size) {
      chunks.add(Unpooled.wrappedBuffer(slice(bytes, from, Math.min(bytes.length, from + size))));
    }
    return Flux.fromIterable(chunks);
  }
}
