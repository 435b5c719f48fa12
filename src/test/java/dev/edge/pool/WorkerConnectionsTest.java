package dev.edge.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.sdk.EdgeWorker;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.DomainSocketChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpResources;
import reactor.netty.tcp.TcpServer;

/**
 * {@link WorkerConnections} with real connections to a real server on a Unix socket, on Reactor
 * Netty's event loops as in the edge: which idle connection a poll returns, and which ones are
 * closed instead.
 */
class WorkerConnectionsTest {

  static final Duration WAIT = Duration.ofSeconds(2);

  /** The idle time of the connections of most tests: longer than any test. */
  static final Duration IDLE = Duration.ofSeconds(30);

  /** The idle time of the connections of the tests where it runs out. */
  static final Duration SHORT_IDLE = Duration.ofMillis(200);

  /** The pipeline of a test connection: nothing, nothing is exchanged on it. */
  static final ChannelInitializer<Channel> NOTHING =
      new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel channel) {
          // a bare connection
        }
      };

  @TempDir Path dir;
  private final EventLoopGroup loops = HttpResources.get().onServer(true);
  private final EventLoop loop = loops.next();
  private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
  private final Map<Channel, Channel> peers = new HashMap<>();
  private DisposableServer server;
  private WorkerConnections connections;

  @BeforeEach
  void start() {
    server = listen(EdgeWorker.unixAddress(dir.resolve("worker.sock").toString()));
    connections = new WorkerConnections(server.address(), IDLE);
  }

  @AfterEach
  void stop() {
    connections.close();
    peers.keySet().forEach(Channel::close); // the ones a test took and kept
    server.disposeNow(WAIT);
  }

  private DisposableServer listen(SocketAddress address) {
    return TcpServer.create()
        .bindAddress(() -> address)
        .doOnConnection(connection -> accepted.add(connection.channel()))
        .handle((in, out) -> Mono.never())
        .bindNow(WAIT);
  }

  @Test
  void releasedConnectionIsReusedByTheNextPollOnTheSameLoop() throws Exception {
    Channel channel = connect();
    assertThat(channel).isInstanceOf(DomainSocketChannel.class);
    assertThat(channel.eventLoop()).isSameAs(loop);

    onLoop(() -> release(channel));

    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isSameAs(channel);
    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isNull();
    assertThat(channel.isActive()).isTrue();
    assertThat(peers).hasSize(1);
    assertThat(accepted).isEmpty();
  }

  @Test
  void idleConnectionsAreReusedMostRecentFirst() throws Exception {
    Channel first = connect();
    Channel second = connect();
    onLoop(() -> release(first));
    onLoop(() -> release(second));

    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isSameAs(second);
    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isSameAs(first);
    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isNull();
  }

  @Test
  void idleConnectionOfAnotherLoopIsNotReturned() throws Exception {
    EventLoop other = loops.next();
    while (other == loop) {
      other = loops.next();
    }
    EventLoop otherLoop = other;
    Channel channel = connect();
    onLoop(() -> release(channel));

    assertThat(
            otherLoop
                .submit(() -> connections.poll(otherLoop, System.nanoTime()))
                .get(2, TimeUnit.SECONDS))
        .isNull();
    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isSameAs(channel);
  }

  @Test
  void connectionIdleLongerThanTheIdleTimeIsClosedAndNotReturned() throws Exception {
    connections = new WorkerConnections(server.address(), SHORT_IDLE);
    Channel channel = connect();
    onLoop(() -> release(channel));

    Thread.sleep(SHORT_IDLE.toMillis() + 100);

    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isNull();
    assertThat(channel.closeFuture().await(WAIT.toMillis())).isTrue();
    assertThat(peers.get(channel).closeFuture().await(WAIT.toMillis())).isTrue();
  }

  @Test
  void oldestIdleConnectionPastTheIdleTimeIsClosedWhenAnotherComesBack() throws Exception {
    connections = new WorkerConnections(server.address(), SHORT_IDLE);
    Channel old = connect();
    Channel recent = connect();
    onLoop(() -> release(old));

    Thread.sleep(SHORT_IDLE.toMillis() + 100);
    onLoop(() -> release(recent));

    // closed when the other came back, before any poll
    assertThat(old.closeFuture().await(WAIT.toMillis())).isTrue();
    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isSameAs(recent);
    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isNull();
  }

  @Test
  void connectionClosedWhileIdleIsNotReturned() throws Exception {
    Channel closedHere = connect();
    Channel closedThere = connect();
    Channel open = connect();
    onLoop(() -> release(open));
    onLoop(() -> release(closedThere));
    onLoop(() -> release(closedHere));

    closedHere.close().sync();
    // the worker closes its end of the second one
    peers.get(closedThere).close();
    assertThat(closedThere.closeFuture().await(WAIT.toMillis())).isTrue();

    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isSameAs(open);
    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isNull();
  }

  @Test
  void afterCloseIdleConnectionsAreClosedAndReleaseClosesAndPollFindsNothing() throws Exception {
    Channel idle = connect();
    Channel busy = connect();
    onLoop(() -> release(idle));

    connections.close();

    assertThat(idle.closeFuture().await(WAIT.toMillis())).isTrue();
    onLoop(() -> release(busy));
    assertThat(busy.closeFuture().await(WAIT.toMillis())).isTrue();
    assertThat(onLoop(() -> connections.poll(loop, System.nanoTime()))).isNull();
  }

  @Test
  void connectsToALoopbackPortToo() throws Exception {
    DisposableServer tcp = listen(new InetSocketAddress("127.0.0.1", 0));
    WorkerConnections overTcp = new WorkerConnections(tcp.address(), IDLE);
    Channel channel = overTcp.connect(loop, NOTHING).sync().channel();
    try {
      assertThat(channel).isInstanceOf(SocketChannel.class);
      onLoop(
          () -> {
            overTcp.release(channel);
            return null;
          });

      assertThat(onLoop(() -> overTcp.poll(loop, System.nanoTime()))).isSameAs(channel);
    } finally {
      channel.close();
      overTcp.close();
      tcp.disposeNow(WAIT);
    }
  }

  /** A new connection, once the server has accepted it (its end goes into {@link #peers}). */
  private Channel connect() throws InterruptedException {
    Channel channel = connections.connect(loop, NOTHING).sync().channel();
    Channel peer = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(peer).as("the server's end within %s", WAIT).isNotNull();
    peers.put(channel, peer);
    return channel;
  }

  private Void release(Channel channel) {
    connections.release(channel);
    return null;
  }

  private <T> T onLoop(Callable<T> task) throws Exception {
    return loop.submit(task).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
