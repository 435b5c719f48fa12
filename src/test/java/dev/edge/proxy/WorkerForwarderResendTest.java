package dev.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.pool.AppPool;
import dev.edge.pool.PoolListener;
import dev.edge.pool.WorkerConnections;
import dev.edge.pool.WorkerSlot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;

/**
 * The resend of docs/edge/SCHEDULER.md: a bodyless GET whose worker dropped the connection after
 * the request was sent goes once more to a worker. Here the only worker has room for one request
 * and the app has no queue, so the resend finds room only if the failed try gave its slot back
 * before trying again (not once the whole exchange ended).
 */
class WorkerForwarderResendTest {

  static final Duration WAIT = Duration.ofSeconds(2);

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
  private final AtomicInteger requests = new AtomicInteger();
  private final AppPool pool =
      new AppPool(
          "app",
          0,
          Duration.ofSeconds(1),
          Schedulers.parallel(),
          new PoolListener() {
            @Override
            public void unreachable(WorkerSlot worker) {
              // reachable throughout
            }

            @Override
            public void recycleDue(WorkerSlot worker) {
              // no request limit here
            }
          });
  private WorkerStub worker;
  private DisposableServer edge;

  @BeforeEach
  void start() {
    // the first request dies with its connection, as when the worker process is killed
    worker =
        WorkerStub.onSocket(
            dir,
            (ctx, request) -> {
              if (request.uri().equals("/stall")) {
                // a small response's head and part of its body, then silence
                WorkerStub.write(ctx, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
              } else if (requests.incrementAndGet() == 1) {
                ctx.close();
              } else {
                WorkerStub.ok(ctx, "second try".getBytes(StandardCharsets.US_ASCII));
              }
            });
    WorkerSlot slot =
        new WorkerSlot(
            1, 1, 1, new WorkerConnections(worker.address, Duration.ofSeconds(30)), "w1", 0);
    pool.add(slot);
    pool.markReady(slot);
    edge = ForwardingListener.start(pool);
  }

  @AfterEach
  void stop() {
    edge.disposeNow(WAIT);
    worker.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aGetWhoseWorkerDroppedItIsResentOnTheSlotItGaveBack() throws Exception {
    HttpResponse<String> response = get("/hello");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("second try");
    assertThat(requests).hasValue(2);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (pool.snapshot().inflight() != 0) { // the lease goes back just after the response
      assertThat(System.nanoTime()).as("the slot was given back").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void aWorkerSilentAfterItsResponseHeadIsATimeoutSaidAsSuch() throws Exception {
    HttpResponse<String> response = get("/stall");

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.body())
        .isEqualTo("upstream_timeout: worker w1 went silent mid-response for 1000 ms");
    assertThat(requests).hasValue(0); // a timeout is never resent
  }
}
