package dev.edge.proxy;

import dev.edge.observe.RequestIds;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import reactor.netty.http.server.HttpServerRequest;

/**
 * What both forwarders send on the next hop: the client's end-to-end headers ({@link
 * HopByHopHeaders}), {@code X-Forwarded-For} overwritten with the peer address, {@code
 * X-Forwarded-Proto}, {@code X-Forwarded-Host} and {@code X-Request-Id}. Also the small body rules
 * the two share.
 */
final class ForwardedHeaders {

  /** Largest response body sent in one write together with the response headers. */
  static final int SMALL_BODY = 16 * 1024;

  private ForwardedHeaders() {}

  /** Fills {@code headers} with end-to-end headers, forwarding headers and the request id. */
  static void requestHeaders(HttpServerRequest req, String requestId, HttpHeaders headers) {
    requestHeaders(req.requestHeaders(), req.remoteAddress(), req.scheme(), requestId, headers);
  }

  /**
   * Fills {@code headers} from the client's {@code inbound} headers, its address and the scheme it
   * used: end-to-end headers, forwarding headers and the request id.
   */
  static void requestHeaders(
      HttpHeaders inbound,
      SocketAddress client,
      String scheme,
      String requestId,
      HttpHeaders headers) {
    HopByHopHeaders.copyEndToEnd(inbound, headers);
    headers.set("X-Forwarded-For", clientAddress(client));
    headers.set("X-Forwarded-Proto", scheme);
    String host = inbound.get(HttpHeaderNames.HOST);
    if (host != null) {
      headers.set("X-Forwarded-Host", host);
    } else {
      headers.remove("X-Forwarded-Host");
    }
    headers.set(RequestIds.HEADER, requestId);
  }

  /** The peer's IP address as text, or {@code unix} for a Unix domain socket. */
  static String clientAddress(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
    }
    return "unix";
  }

  /**
   * {@code uri} in origin form ({@code /path?query}): an absolute-form target ({@code
   * http://host/path}) loses its scheme and authority, which the request guard already matched
   * against {@code Host}.
   */
  static String originForm(String uri) {
    if (uri.isEmpty() || uri.charAt(0) == '/' || uri.equals("*")) {
      return uri;
    }
    int scheme = uri.indexOf("://");
    if (scheme < 0) {
      return uri;
    }
    int path = uri.indexOf('/', scheme + 3);
    int query = uri.indexOf('?', scheme + 3);
    if (path < 0 || (query >= 0 && query < path)) {
      return query < 0 ? "/" : "/" + uri.substring(query);
    }
    return uri.substring(path);
  }

  /** Whether the request announces a body (a non-zero length or a transfer coding). */
  static boolean hasBody(HttpServerRequest req) {
    return hasBody(req.requestHeaders());
  }

  /** Whether request {@code headers} announce a body (a non-zero length or a transfer coding). */
  static boolean hasBody(HttpHeaders headers) {
    String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
    if (length != null) {
      return !length.equals("0");
    }
    return headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
  }

  /**
   * Whether a response body is small enough to send in one write with its headers: a known length
   * up to {@link #SMALL_BODY} bytes. Larger or unknown-length bodies stream as they come.
   */
  static boolean isSmall(HttpHeaders headers) {
    String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
    if (length == null || length.length() > 6) {
      return false;
    }
    try {
      return Integer.parseInt(length) <= SMALL_BODY;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Whether {@code error} or one of its causes is a {@code type}. */
  static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
