package dev.edge.guard;

import dev.edge.EdgeException.Reason;
import dev.edge.observe.RequestIds;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs what the guard refuses: one INFO line per rejection on the {@code edge.guard}
 * logger, with the request id, status, reason code, the client's address and the guard's own detail
 * text (never the client's bytes).
 */
final class GuardEvents {

  private static final Logger LOG = LoggerFactory.getLogger("edge.guard");

  private final RejectionCounter counter;

  GuardEvents(RejectionCounter counter) {
    this.counter = counter;
  }

  /**
   * Counts and logs one rejection; returns the request id to answer with ({@code requestId} if
   * sane, else a new one).
   */
  String rejected(Reason reason, String detail, String requestId, Channel channel) {
    return rejected(reason, detail, requestId, channel == null ? null : channel.remoteAddress());
  }

  String rejected(Reason reason, String detail, String requestId, SocketAddress peer) {
    String id = RequestIds.resolve(requestId);
    counter.increment(reason);
    if (LOG.isInfoEnabled()) {
      LOG.info(
          "rejected request {} {} {} peer={}: {}",
          id,
          reason.status(),
          reason.code(),
          peer(peer),
          detail);
    }
    return id;
  }

  /** A connection closed without a response (it sent nothing in time). */
  void silentClose(Channel channel, String why) {
    LOG.debug("closed connection peer={}: {}", peer(channel.remoteAddress()), why);
  }

  /** A request body went silent for the body idle timeout; its connection is cut. */
  void bodyTimeout(Channel channel, String requestId) {
    rejected(
        Reason.REQUEST_TIMEOUT,
        "request body idle for the body idle timeout; connection closed",
        requestId,
        channel);
  }

  static String peer(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return address == null ? "-" : "local";
  }
}
