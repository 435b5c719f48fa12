package dev.edge.guard;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections per client IP address, for {@link GuardLimits#maxConnectionsPerClient()}. A
 * connection counts from its start until it closes, refused ones included (they are open until
 * their 429 is written). Entries vanish when their count returns to 0.
 */
final class ClientConnections {

  private final int max;
  private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

  ClientConnections(int max) {
    this.max = max;
  }

  /**
   * Counts {@code channel} for its client until it closes; false if that takes the client over the
   * limit. Connections without an IP address (Unix sockets) are not limited.
   */
  boolean admit(Channel channel, SocketAddress remote) {
    if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
      return true;
    }
    InetAddress ip = inet.getAddress();
    int count = open.merge(ip, 1, Integer::sum);
    channel.closeFuture().addListener(future -> release(ip));
    return count <= max;
  }

  /** Open connections of {@code ip} now. */
  int count(InetAddress ip) {
    return open.getOrDefault(ip, 0);
  }

  private void release(InetAddress ip) {
    open.computeIfPresent(ip, (key, count) -> count <= 1 ? null : count - 1);
  }
}
