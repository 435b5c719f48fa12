package dev.edge.proxy;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import io.netty.buffer.ByteBuf;
import java.util.Map;
import reactor.core.publisher.Flux;

/** A request body on its way to a worker or an upstream, cut at a route's size limit. */
public final class RequestBodies {

  private RequestBodies() {}

  /**
   * {@code body}, failing with {@code 413 body_too_large} (and {@code Connection: close}, since the
   * rest of the body is never read) once more than {@code maxBytes} have passed; {@code body}
   * itself when {@code maxBytes} is negative (no limit of the route's own).
   */
  public static Flux<ByteBuf> limited(Flux<ByteBuf> body, long maxBytes) {
    if (maxBytes < 0) {
      return body;
    }
    return Flux.defer(
        () -> {
          long[] seen = {0};
          return body.handle(
              (chunk, sink) -> {
                seen[0] += chunk.readableBytes();
                if (seen[0] > maxBytes) {
                  chunk.release();
                  sink.error(
                      new EdgeException(
                          Reason.BODY_TOO_LARGE,
                          "the request body is larger than this route's limit of "
                              + maxBytes
                              + " bytes",
                          Map.of("Connection", "close")));
                } else {
                  sink.next(chunk);
                }
              });
        });
  }
}
