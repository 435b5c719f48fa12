package dev.edge.guard;

import dev.edge.EdgeException.Reason;
import dev.edge.observe.RequestIds;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The problem response the guard writes itself, below Reactor Netty: byte for byte the body {@code
 * ErrorResponder} writes ({@code type}, {@code title}, {@code status}, {@code detail}, {@code
 * reason}, {@code requestId}, in that order, compact JSON), with {@code X-Request-Id}, {@code
 * Cache-Control: no-store}, {@code Retry-After} where the reason has one, and {@code Connection:
 * close}.
 */
final class ProblemResponse {

  private ProblemResponse() {}

  static FullHttpResponse of(Reason reason, String detail, String requestId) {
    byte[] body = body(reason, detail, requestId).getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(reason.status()),
            Unpooled.wrappedBuffer(body));
    HttpHeaders headers = response.headers();
    headers
        .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(RequestIds.HEADER, requestId)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (reason.retryAfterSeconds() > 0) {
      headers.set(HttpHeaderNames.RETRY_AFTER, reason.retryAfterSeconds());
    }
    return response;
  }

  static String body(Reason reason, String detail, String requestId) {
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

  private static void string(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"':
          json.append("\\\"");
          break;
        case '\\':
          json.append("\\\\");
          break;
        case '\n':
          json.append("\\n");
          break;
        case '\r':
          json.append("\\r");
          break;
        case '\t':
          json.append("\\t");
          break;
        default:
          if (c < 0x20) {
            json.append(String.format("\\u%04X", (int) c));
          } else {
            json.append(c);
          }
      }
    }
    json.append('"');
  }
}
