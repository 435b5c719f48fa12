package dev.edge.worker;

import io.netty.channel.EventLoop;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * One worker's connection pools, one per event loop of the edge. A request is forwarded with the
 * pool of the event loop its client connection lives on; Reactor Netty creates a pooled connection
 * on the event loop that asks for it, so a request and its worker connection share one thread and
 * no request hops between threads on the way to the worker and back. (With one pool shared by all
 * loops, a loop often got a connection owned by another: two thread hand-offs per request.)
 *
 * <p>Thread-safety: pools are created on first use, concurrently safe; dispose once, at the end.
 */
final class LoopLocalClients implements Function<EventLoop, HttpClient> {

  private final String name;
  private final SocketAddress address;
  private final int maxConnections;
  private final int maxPending;
  private final Duration idle;
  private final Duration readTimeout;
  private final Map<EventLoop, Pool> pools = new ConcurrentHashMap<>();
  private final AtomicInteger created = new AtomicInteger();

  LoopLocalClients(
      String name,
      SocketAddress address,
      int maxConnections,
      int maxPending,
      Duration idle,
      Duration readTimeout) {
    this.name = name;
    this.address = address;
    this.maxConnections = maxConnections;
    this.maxPending = maxPending;
    this.idle = idle;
    this.readTimeout = readTimeout;
  }

  /** The client whose pooled connections live on {@code loop}. */
  @Override
  public HttpClient apply(EventLoop loop) {
    return pools.computeIfAbsent(loop, this::newPool).client();
  }

  private Pool newPool(EventLoop loop) {
    ConnectionProvider connections =
        ConnectionProvider.builder(name + "-" + created.incrementAndGet())
            .maxConnections(maxConnections)
            .pendingAcquireMaxCount(maxPending)
            .pendingAcquireTimeout(Duration.ofSeconds(10))
            .maxIdleTime(idle)
            .build();
    HttpClient client =
        HttpClient.create(connections)
            .remoteAddress(() -> address)
            .disableRetry(true)
            .responseTimeout(readTimeout);
    return new Pool(connections, client);
  }

  /** Closes every pool (connections in use are closed when their exchange ends). */
  Mono<Void> disposeLater() {
    return Flux.fromIterable(pools.values())
        .flatMap(pool -> pool.connections().disposeLater())
        .then();
  }

  private record Pool(ConnectionProvider connections, HttpClient client) {}
}
