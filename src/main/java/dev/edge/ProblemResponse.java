package dev.edge;

import dev.edge.EdgeException.Reason;
import dev.edge.observe.RequestIds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One problem response the edge generates, the only place its bytes and headers are made, for every
 * path that writes one: {@link ErrorResponder#respond} (through Reactor Netty), {@link
 * ErrorResponder#problem} (the fast lane) and the request guard (below Reactor Netty).
 *
 * <p>The body is compact JSON with {@code type} ({@code about:blank}), {@code title}, {@code
 * status}, {@code detail}, {@code reason} and {@code requestId}, in that order, escaped as Jackson
 * escapes by default (so byte for byte what a {@code JsonMapper} writes for the same map), and
 * written without one. The headers are {@code Content-Type: application/problem+json}, {@code
 * X-Request-Id}, {@code Cache-Control: no-store}, {@code Retry-After} where the reason has one, the
 * extra headers given (which replace any of those of the same name), then {@code Content-Length}.
 *
 * <p>A response to {@code HEAD} has the same headers, {@code Content-Length} included (the length
 * of the body a {@code GET} would have had, as RFC 9110 §8.6 allows), and no body.
 *
 * <p>An instance is one response: its headers object goes into the message it builds, unshared.
 */
public final class ProblemResponse {

  /** The media type of every problem body. */
  public static final String CONTENT_TYPE = "application/problem+json";

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final Reason reason;
  private final byte[] body;
  private final HttpHeaders headers;

  private ProblemResponse(Reason reason, byte[] body, HttpHeaders headers) {
    this.reason = reason;
    this.body = body;
    this.headers = headers;
  }

  /**
   * The problem response for {@code reason}, with {@code detail} (the edge's own words) and the
   * request id; {@code extraHeaders} (an {@code Allow}, a {@code Connection: close}) are set after
   * the standard ones.
   */
  public static ProblemResponse of(
      Reason reason,
      String detail,
      String requestId,
      Iterable<? extends Map.Entry<String, String>> extraHeaders) {
    byte[] body = json(reason, detail, requestId).getBytes(StandardCharsets.UTF_8);
    HttpHeaders headers = new DefaultHttpHeaders(false);
    headers
        .set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
        .set(RequestIds.HEADER, requestId)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    if (reason.retryAfterSeconds() > 0) {
      headers.set(HttpHeaderNames.RETRY_AFTER, Integer.toString(reason.retryAfterSeconds()));
    }
    for (Map.Entry<String, String> header : extraHeaders) {
      headers.set(header.getKey(), header.getValue());
    }
    headers.set(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
    return new ProblemResponse(reason, body, headers);
  }

  /** The reason, which fixes the status. */
  public Reason reason() {
    return reason;
  }

  /** The status line's status. */
  public HttpResponseStatus status() {
    return HttpResponseStatus.valueOf(reason.status());
  }

  /** Every header of the response, {@code Content-Length} included. */
  public HttpHeaders headers() {
    return headers;
  }

  /** The body (UTF-8 JSON); not to be changed. */
  public byte[] body() {
    return body;
  }

  /** The body as a buffer for the wire, or an empty one in a response to {@code HEAD}. */
  public ByteBuf content(boolean head) {
    return head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
  }

  /**
   * The whole response as one HTTP/1.1 Netty message, without a body if it answers {@code HEAD}.
   */
  public FullHttpResponse message(boolean head) {
    return new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, status(), content(head), headers, EmptyHttpHeaders.INSTANCE);
  }

  /** The body as text. */
  static String json(Reason reason, String detail, String requestId) {
    StringBuilder json = new StringBuilder(160);
    json.append("{\"type\":\"about:blank\",\"title\":");
    string(json, reason.title());
    json.append(",\"status\":").append(reason.status()).append(",\"detail\":");
    string(json, detail);
    json.append(",\"reason\":");
    string(json, reason.code());
    json.append(",\"requestId\":");
    string(json, requestId);
    return json.append('}').toString();
  }

  /** Appends {@code value} as a JSON string: Jackson's default escapes, nothing else escaped. */
  private static void string(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\b' -> json.append("\\b");
        case '\t' -> json.append("\\t");
        case '\n' -> json.append("\\n");
        case '\f' -> json.append("\\f");
        case '\r' -> json.append("\\r");
        default -> {
          if (c < 0x20) {
            json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
