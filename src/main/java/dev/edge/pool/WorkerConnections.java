package dev.edge.pool;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.DomainSocketChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.netty.http.HttpResources;

/**
 * The keep-alive connections to one worker, kept per event loop of the edge: a request is sent on a
 * connection of the event loop its client connection lives on, so a request and its worker
 * connection share one thread and never hop between threads.
 *
 * <p>No bound of its own: each connection carries one request at a time, and the worker's lease
 * ({@link AppPool}) already bounds its requests to {@code max-inflight}, so there are never more
 * busy connections than that. Idle connections are reused most recent first; one idle longer than
 * the idle time (below the worker's own keep-alive, so the worker never closes a connection the
 * edge is about to use) is closed when it is next seen, and the oldest idle one is checked each
 * time a connection comes back.
 *
 * <p>Thread-safety: {@link #poll}, {@link #release} and {@link #connect} run on the event loop they
 * name (each loop owns its idle list); {@link #close} may run anywhere.
 */
public final class WorkerConnections {

  private final SocketAddress address;
  private final long idleNanos;
  private final Map<EventLoop, ArrayDeque<Idle>> idle = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * Connections to the worker at {@code address} (a Unix socket address of the active transport's
   * type, or a loopback {@link InetSocketAddress}), closed after {@code idleTime} unused.
   */
  public WorkerConnections(SocketAddress address, Duration idleTime) {
    this.address = address;
    this.idleNanos = idleTime.toNanos();
  }

  /**
   * The most recently used idle connection on {@code loop}, or null when there is none; {@code now}
   * is the time ({@link System#nanoTime()}), read by the caller.
   */
  public Channel poll(EventLoop loop, long now) {
    ArrayDeque<Idle> list = idle.get(loop);
    if (list == null) {
      return null;
    }
    for (Idle next = list.pollFirst(); next != null; next = list.pollFirst()) {
      if (next.channel.isActive() && now - next.since < idleNanos) {
        return next.channel;
      }
      next.channel.close();
    }
    return null;
  }

  /** Opens a new connection on {@code loop}, with {@code initializer} setting up its pipeline. */
  public ChannelFuture connect(EventLoop loop, ChannelHandler initializer) {
    Class<? extends Channel> type =
        address instanceof InetSocketAddress ? SocketChannel.class : DomainSocketChannel.class;
    return new Bootstrap()
        .group(loop)
        .channelFactory(() -> HttpResources.get().onChannel(type, loop))
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
        .handler(initializer)
        .connect(address);
  }

  /**
   * Takes back a connection whose exchange ended cleanly (on its event loop); it is closed instead
   * when these connections are closed or it is no longer open.
   */
  public void release(Channel channel) {
    release(channel, System.nanoTime());
  }

  /** Like {@link #release(Channel)}, idle from {@code now} ({@link System#nanoTime()}). */
  public void release(Channel channel, long now) {
    if (closed || !channel.isActive()) {
      channel.close();
      return;
    }
    ArrayDeque<Idle> list = idle.computeIfAbsent(channel.eventLoop(), loop -> new ArrayDeque<>());
    Idle oldest = list.peekLast();
    if (oldest != null && now - oldest.since >= idleNanos) {
      list.pollLast().channel.close();
    }
    list.addFirst(new Idle(channel, now));
    if (closed) {
      closeIdle(channel.eventLoop());
    }
  }

  /** Closes the idle connections; busy ones are closed when their exchange ends. */
  public void close() {
    closed = true;
    for (EventLoop loop : idle.keySet()) {
      loop.execute(() -> closeIdle(loop));
    }
  }

  private void closeIdle(EventLoop loop) {
    ArrayDeque<Idle> list = idle.get(loop);
    for (Idle next = list.pollFirst(); next != null; next = list.pollFirst()) {
      next.channel.close();
    }
  }

  /** An idle connection and when it became idle ({@link System#nanoTime()}). */
  private record Idle(Channel channel, long since) {}
}
