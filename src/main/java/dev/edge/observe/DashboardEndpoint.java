package dev.edge.observe;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The live dashboard page under {@code /_edge/}: three files shipped in the jar ({@code
 * dev/edge/dashboard/index.html}, {@code dashboard.js}, {@code dashboard.css}) that poll {@code
 * /diagnostics} from the browser. The files are read once, at construction, and served from memory.
 *
 * <ul>
 *   <li>{@code GET} and {@code HEAD} only; anything else is {@code 405 method_not_allowed} with
 *       {@code Allow: GET, HEAD}.
 *   <li>{@code /_edge} → {@code 301} to {@code /_edge/}; {@code /_edge/} is the page; {@code
 *       /_edge/dashboard.js} and {@code /_edge/dashboard.css} its assets; any other path under
 *       {@code /_edge/} is {@code 404 not_found}.
 *   <li>Each file has a strong {@code ETag} (a hash of its bytes); a matching {@code If-None-Match}
 *       gets {@code 304}. {@code Cache-Control: no-cache}, so a browser revalidates after an
 *       upgrade of the edge.
 *   <li>{@code Content-Security-Policy: default-src 'self'} (the page has no inline script or style
 *       and loads nothing from elsewhere) and {@code X-Content-Type-Options: nosniff}.
 * </ul>
 *
 * <p>Who may see the page is the caller's decision (the same rule as {@code /diagnostics}).
 */
public final class DashboardEndpoint {

  /** The path the dashboard lives under; {@link #serve} takes this path and everything below. */
  public static final String PREFIX = "/_edge";

  private static final String RESOURCES = "/dev/edge/dashboard/";
  private static final String CSP = "default-src 'self'";

  private final Map<String, Asset> assets;

  /**
   * Reads the page and its assets from the class path.
   *
   * @throws IllegalStateException if one of them is missing from the jar (a broken build)
   */
  public DashboardEndpoint() {
    this.assets =
        Map.of(
            PREFIX + "/", load("index.html", "text/html; charset=utf-8"),
            PREFIX + "/dashboard.js", load("dashboard.js", "text/javascript; charset=utf-8"),
            PREFIX + "/dashboard.css", load("dashboard.css", "text/css; charset=utf-8"));
  }

  /** Whether {@code path} (a raw request path, no query) belongs to the dashboard. */
  public static boolean owns(String path) {
    return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
  }

  /**
   * Answers a request for {@code path} (the raw request path without its query, one that {@link
   * #owns}); errors ({@code 404}, {@code 405}) are signalled as {@link EdgeException}s for the
   * caller's error responder.
   */
  public Mono<Void> serve(String path, HttpServerRequest req, HttpServerResponse res) {
    HttpMethod method = req.method();
    boolean head = HttpMethod.HEAD.equals(method);
    if (!head && !HttpMethod.GET.equals(method)) {
      return Mono.error(
          new EdgeException(
              Reason.METHOD_NOT_ALLOWED,
              method.name() + " is not allowed on " + PREFIX + "/; the dashboard takes GET or HEAD",
              Map.of("Allow", "GET, HEAD")));
    }
    if (path.equals(PREFIX)) {
      return res.status(HttpResponseStatus.MOVED_PERMANENTLY)
          .header(HttpHeaderNames.LOCATION, PREFIX + "/")
          .header(HttpHeaderNames.CONTENT_LENGTH, "0")
          .send();
    }
    Asset asset = assets.get(path);
    if (asset == null) {
      return Mono.error(
          new EdgeException(
              Reason.NOT_FOUND, "the dashboard has no file " + shorten(path.substring(1))));
    }
    res.header(HttpHeaderNames.ETAG, asset.etag())
        .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .header(HttpHeaderNames.CONTENT_SECURITY_POLICY, CSP)
        .header("X-Content-Type-Options", "nosniff");
    if (listsTag(req.requestHeaders().getAll(HttpHeaderNames.IF_NONE_MATCH), asset.etag())) {
      return res.status(HttpResponseStatus.NOT_MODIFIED).send();
    }
    res.header(HttpHeaderNames.CONTENT_TYPE, asset.contentType())
        .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(asset.bytes().length));
    if (head) {
      return res.send();
    }
    return res.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(asset.bytes()))).then();
  }

  /**
   * Whether one of the {@code If-None-Match} field values is {@code *} or names {@code etag} (weak
   * comparison, as RFC 9110 asks for {@code If-None-Match}: a {@code W/} prefix is ignored).
   */
  static boolean listsTag(List<String> fieldValues, String etag) {
    for (String value : fieldValues) {
      for (String member : value.split(",", -1)) {
        String tag = member.trim();
        if (tag.startsWith("W/")) {
          tag = tag.substring(2);
        }
        if (tag.equals("*") || tag.equals(etag)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String shorten(String text) {
    return text.length() <= 100 ? text : text.substring(0, 100) + "...";
  }

  private static Asset load(String name, String contentType) {
    try (InputStream in = DashboardEndpoint.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard file " + RESOURCES + name + " is missing");
      }
      byte[] bytes = in.readAllBytes();
      return new Asset(bytes, contentType, etagOf(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dashboard file " + RESOURCES + name, e);
    }
  }

  /** A strong tag: the first 128 bits of the SHA-256 of the bytes, in hex, quoted. */
  static String etagOf(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** One file of the page, in memory. */
  private record Asset(byte[] bytes, String contentType, String etag) {}
}
