package dev.edge;

import dev.edge.observe.Exchange;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AttributeKey;

/**
 * A request's {@link Plan} (or refusal), decided by the lane that read the request and handed to
 * the lane that answers it, so that no request is decided twice: the HTTP/1.1 fast lane decides
 * every request it reads, answers the ones it carries itself, and leaves this on the channel for
 * {@link EdgePipeline} to answer the rest. A connection answers one request at a time, so one slot
 * per channel is enough; the request's headers object identifies the request it belongs to.
 *
 * @param requestHeaders the headers of the request decided (identity, not equality, is compared)
 * @param exchange the request's record, started when it was read
 * @param responseHeaders headers the decision added to the response ({@code RateLimit-*})
 * @param plan the plan, or null when the request was refused
 * @param refusal why the request was refused, or null
 */
record Decision(
    HttpHeaders requestHeaders,
    Exchange exchange,
    HttpHeaders responseHeaders,
    Plan plan,
    RuntimeException refusal) {

  private static final AttributeKey<Decision> KEY = AttributeKey.valueOf("edge.decision");

  /** Leaves this decision on {@code channel} for the lane that answers the request. */
  void handTo(Channel channel) {
    channel.attr(KEY).set(this);
  }

  /**
   * Takes the decision left on {@code channel} for the request with {@code requestHeaders}, or null
   * when none was (the request was read by a lane that does not decide).
   */
  static Decision takeFrom(Channel channel, HttpHeaders requestHeaders) {
    Decision decision = channel.attr(KEY).getAndSet(null);
    return decision != null && decision.requestHeaders == requestHeaders ? decision : null;
  }

  /** The plan, or the refusal thrown. */
  Plan planOrThrow() {
    if (refusal != null) {
      throw refusal;
    }
    return plan;
  }
}
