package dev.edge.proxy;

import dev.edge.buffer.BodyBuffer;
import dev.edge.buffer.BufferDirectory;
import dev.edge.buffer.BufferLimits;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Response buffering for workers: which responses are buffered, and the buffers they go into. A
 * response streams instead when it is an event stream ({@code Content-Type: text/event-stream}) or
 * its worker says {@code X-Accel-Buffering: no} (nginx's convention; the header is removed before
 * the client sees it). Routes that turn response buffering off get no {@code ResponseBuffers}.
 *
 * @param directory where the temp files go
 * @param memoryBytes how much of one body stays in memory
 * @param maxHeldBytes the most of one body held unread before reading from the worker pauses
 */
public record ResponseBuffers(BufferDirectory directory, int memoryBytes, long maxHeldBytes) {

  /** nginx's per-response switch, sent by the app: {@code no} streams the response. */
  public static final AsciiString X_ACCEL_BUFFERING = AsciiString.cached("x-accel-buffering");

  /** Whether a response with {@code headers} is buffered. */
  boolean applyTo(HttpHeaders headers) {
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
    if (type != null
        && type.regionMatches(
            true, 0, "text/event-stream", 0, HttpHeaderValues.TEXT_EVENT_STREAM.length())) {
      return false;
    }
    String accel = headers.get(X_ACCEL_BUFFERING);
    return accel == null || !accel.trim().equalsIgnoreCase("no");
  }

  /** A new buffer for one response body, on {@code loop}. */
  BodyBuffer newBuffer(EventLoop loop, ByteBufAllocator alloc) {
    return directory.newBuffer(
        loop, new BufferLimits(BufferLimits.Kind.RESPONSE, memoryBytes, maxHeldBytes), alloc);
  }
}
