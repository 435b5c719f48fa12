package dev.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.pool.AppPool;
import dev.edge.pool.PoolListener;
import dev.edge.pool.WorkerConnections;
import dev.edge.pool.WorkerSlot;
import dev.edge.sdk.EdgeWorker;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;

/**
 * The rule of docs/edge/SCHEDULER.md that a worker whose socket "refuses the connection or is gone,
 * before anything was sent" leaves routing at once (and the request goes to another worker),
 * through {@link WorkerForwarder} on a real listener: worker 1 cannot be reached, worker 2 (a
 * {@link WorkerStub}) answers.
 */
class WorkerForwarderUnreachableTest {

  static final Duration WAIT = Duration.ofSeconds(2);

  @TempDir Path dir;
  private final List<WorkerSlot> unreachable = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
  private final AppPool pool =
      new AppPool(
          "app",
          10,
          Duration.ofSeconds(1),
          Schedulers.parallel(),
          new PoolListener() {
            @Override
            public void unreachable(WorkerSlot worker) {
              unreachable.add(worker);
            }

            @Override
            public void recycleDue(WorkerSlot worker) {
              // no request limit here
            }
          });
  private WorkerStub healthy;
  private DisposableServer edge;

  @BeforeEach
  void start() {
    healthy =
        WorkerStub.onSocket(
            dir, (ctx, request) -> WorkerStub.ok(ctx, "ok".getBytes(StandardCharsets.US_ASCII)));
    edge = ForwardingListener.start(pool);
  }

  @AfterEach
  void stop() {
    edge.disposeNow(WAIT);
    healthy.close();
  }

  @Test
  void workerWhoseSocketRefusesConnectionsLeavesRouting() throws Exception {
    // a socket file that nobody listens on any more (its server closed without removing it)
    Path stale = dir.resolve("stale.sock");
    try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(stale));
    }
    assertThat(stale).exists();

    assertLeavesRouting(stale);
  }

  @Test
  void workerWhoseSocketIsGoneLeavesRouting() throws Exception {
    Path missing = dir.resolve("missing.sock");
    assertThat(Files.exists(missing)).isFalse();

    assertLeavesRouting(missing);
  }

  private void assertLeavesRouting(Path socket) throws Exception {
    WorkerSlot broken = slot(1, new WorkerConnections(unixAddress(socket), Duration.ofSeconds(30)));
    WorkerSlot working = slot(2, new WorkerConnections(healthy.address, Duration.ofSeconds(30)));

    for (int i = 0; i < 2; i++) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/hello"))
                  .timeout(WAIT)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("request %d", i + 1).isEqualTo(200);
      assertThat(response.body()).isEqualTo("ok");
    }

    assertThat(unreachable).containsExactly(broken);
    assertThat(pool.workers()).containsExactly(working);
  }

  private WorkerSlot slot(long id, WorkerConnections connections) {
    WorkerSlot slot = new WorkerSlot(id, 1, 4, connections, "w" + id, 0);
    pool.add(slot);
    pool.markReady(slot);
    return slot;
  }

  private static SocketAddress unixAddress(Path socket) {
    return EdgeWorker.unixAddress(socket.toString());
  }
}
