package dev.edge.statics;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.edgefile.HeaderRules;
import dev.edge.edgefile.RouteAction;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The {@code static: DIR} route action: serves files under a directory, safely and without blocking
 * an event loop.
 *
 * <h2>What a request gets</h2>
 *
 * <ul>
 *   <li>Only {@code GET} and {@code HEAD}; anything else is {@code 405 method_not_allowed} with
 *       {@code Allow: GET, HEAD}.
 *   <li>A file: {@code 200} with {@code Content-Type} from its extension ({@link ContentTypes}),
 *       {@code Content-Length}, {@code Last-Modified}, a strong {@code ETag} (quoted hex of size
 *       and modification time in nanoseconds) and {@code Accept-Ranges: bytes}. {@code HEAD} gets
 *       the same headers and no body.
 *   <li>{@code If-None-Match} (a list, {@code *}, weak comparison), or without it {@code
 *       If-Modified-Since}: {@code 304} with {@code ETag} and {@code Last-Modified}, no body.
 *   <li>{@code Range} on a GET: one range ({@code a-b}, {@code a-}, {@code -n}) is {@code 206} with
 *       {@code Content-Range}; a range starting past the end is {@code 416 range_not_satisfiable}
 *       with {@code Content-Range: bytes *}{@code /LEN}; several ranges or a malformed header are
 *       ignored (the whole file, {@code 200}); an {@code If-Range} that does not match (entity tag
 *       compared strongly, or the exact {@code Last-Modified} date) means the whole file too.
 *   <li>A directory: with a trailing slash, its index file ({@code index.html} unless the route
 *       names another); without, {@code 301} to the same path plus {@code /}, query kept.
 *   <li>SPA: when the route names an SPA file, a GET or HEAD for a path that names no file (nothing
 *       there, a directory without index) and whose last segment has no extension is answered with
 *       that file, {@code 200} and its own content type. {@code /dashboard/users} gets the app;
 *       {@code /assets/app.3f2a.js} (a stale hashed asset after a deploy) gets {@code 404} instead
 *       of HTML that the browser would try to run as a script. The rule depends on the URL only, so
 *       caches need no {@code Vary}; a client route whose last segment has a dot ({@code
 *       /u/john.doe}) must be reached with a trailing slash or by the app's own navigation.
 * </ul>
 *
 * <p>The route's response header edits are applied right before the headers go out, on every
 * response this class sends (200, 206, 304, 301); error responses are the caller's.
 *
 * <h2>Safety</h2>
 *
 * <p>{@link SafePaths} decodes the path (repeatedly, until no escape is left) and refuses climbing
 * above the root, invalid encoding, control characters and backslashes with {@code 400 bad_path},
 * and dotfiles (except a leading {@code .well-known}) with {@code 404 not_found}. {@link
 * FileLookup} then compares real paths: a symlink inside the root that leads outside it, or to a
 * dotfile, is {@code 404 not_found}, like a missing file. Only regular files are opened. Error
 * details name the request path, never a file-system path.
 *
 * <h2>Threads</h2>
 *
 * <p>Real paths, attributes and the file's opening run on {@code fileIo}; headers are sent from the
 * connection's event loop; the body goes out zero-copy through {@link
 * HttpServerResponse#sendFile(java.nio.file.Path, long, long)} (Reactor Netty falls back to chunked
 * copies under TLS or compression).
 */
public final class StaticFiles {

  /** Longest request path or header value quoted in an error detail. */
  static final int SHOWN_MAX = 200;

  private final Scheduler fileIo;

  /**
   * fileIo: a scheduler for blocking file-system calls (the edge passes
   * Schedulers.boundedElastic()).
   */
  public StaticFiles(Scheduler fileIo) {
    this.fileIo = fileIo;
  }

  /**
   * Serves one request from target.dir(). relativePath is the raw (still percent-encoded) request
   * path with the route's prefix already removed, starting with "/" (or "" when the request path
   * equals the prefix); no query string. responseEdits are the route's response header edits: they
   * are applied to the response headers right before they are sent (also on 304, 206 and
   * redirects). Failures are signalled as {@link EdgeException} (the caller's ErrorResponder turns
   * them into problem+json).
   */
  public Mono<Void> serve(
      RouteAction.Static target,
      String relativePath,
      HttpServerRequest req,
      HttpServerResponse res,
      HeaderRules.Edits responseEdits) {
    return Mono.defer(
        () -> {
          String shown = shownPath(req.uri());
          boolean head = HttpMethod.HEAD.equals(req.method());
          if (!head && !HttpMethod.GET.equals(req.method())) {
            return Mono.error(
                new EdgeException(
                    Reason.METHOD_NOT_ALLOWED,
                    req.method().name()
                        + " is not allowed on "
                        + shown
                        + "; static files take GET or HEAD",
                    Map.of("Allow", "GET, HEAD")));
          }
          SafePath path = SafePaths.parse(relativePath, shown);
          return Mono.fromCallable(() -> FileLookup.find(target, path, shown))
              .subscribeOn(fileIo)
              .publishOn(eventLoopOf(res))
              .flatMap(outcome -> respond(outcome, head, shown, req, res, responseEdits));
        });
  }

  private Mono<Void> respond(
      FileLookup.Outcome outcome,
      boolean head,
      String shown,
      HttpServerRequest req,
      HttpServerResponse res,
      HeaderRules.Edits edits) {
    if (!(outcome instanceof FileLookup.Serve serve)) {
      res.status(HttpResponseStatus.MOVED_PERMANENTLY)
          .header(HttpHeaderNames.LOCATION, withSlash(req.uri()));
      edits.applyTo(res.responseHeaders());
      return res.send();
    }
    StaticFile file = serve.file();
    HttpHeaders request = req.requestHeaders();
    res.header(HttpHeaderNames.ETAG, file.etag())
        .header(HttpHeaderNames.LAST_MODIFIED, file.lastModified());
    if (Conditional.notModified(request, file, System.currentTimeMillis())) {
      res.status(HttpResponseStatus.NOT_MODIFIED);
      edits.applyTo(res.responseHeaders());
      return res.send();
    }
    ByteRange range =
        head || !Conditional.rangeStillValid(request.get(HttpHeaderNames.IF_RANGE), file)
            ? null
            : ByteRange.parse(request.get(HttpHeaderNames.RANGE), file.size());
    if (range != null && !range.satisfiable()) {
      return Mono.error(
          new EdgeException(
              Reason.RANGE_NOT_SATISFIABLE,
              "the range " + shorten(request.get(HttpHeaderNames.RANGE)) + " is outside " + shown,
              Map.of("Content-Range", "bytes */" + file.size())));
    }
    long first = range == null ? 0 : range.first();
    long count = range == null ? file.size() : range.length();
    res.status(range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT)
        .header(HttpHeaderNames.CONTENT_TYPE, file.contentType())
        .header(HttpHeaderNames.ACCEPT_RANGES, "bytes")
        .header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(count));
    if (range != null) {
      res.header(HttpHeaderNames.CONTENT_RANGE, range.contentRange(file.size()));
    }
    edits.applyTo(res.responseHeaders());
    if (head || count == 0) {
      return res.send();
    }
    // Headers from the event loop, then the body: sendFile opens the file where it is subscribed,
    // so that happens on fileIo; Netty moves the write itself back onto the event loop.
    return res.sendHeaders()
        .then()
        .then(Mono.defer(() -> res.sendFile(file.path(), first, count).then()).subscribeOn(fileIo));
  }

  /** The connection's event loop, to come back to after file-system work. */
  private static Scheduler eventLoopOf(HttpServerResponse res) {
    return res instanceof Connection connection
        ? Schedulers.fromExecutor(connection.channel().eventLoop())
        : Schedulers.immediate();
  }

  /**
   * The request's path plus {@code /}, query kept, for the directory redirect. Leading slashes
   * collapse to one, so {@code //evil.example} cannot become a protocol-relative redirect.
   */
  static String withSlash(String uri) {
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    String rest = query < 0 ? "" : uri.substring(query);
    path = pathOnly(path);
    int start = 0;
    while (start < path.length() && path.charAt(start) == '/') {
      start++;
    }
    String trimmed = path.substring(start);
    return trimmed.isEmpty() ? "/" + rest : "/" + trimmed + "/" + rest;
  }

  /** The request path of {@code uri} (no query), shortened, as error details may show it. */
  static String shownPath(String uri) {
    int query = uri.indexOf('?');
    return shorten(pathOnly(query < 0 ? uri : uri.substring(0, query)));
  }

  private static String shorten(String text) {
    return text.length() <= SHOWN_MAX ? text : text.substring(0, SHOWN_MAX) + "...";
  }

  /** The path of an absolute-form request target ({@code http://host/p}), else the target. */
  private static String pathOnly(String target) {
    int scheme = target.indexOf("://");
    if (target.startsWith("/") || scheme < 0) {
      return target;
    }
    int slash = target.indexOf('/', scheme + 3);
    return slash < 0 ? "/" : target.substring(slash);
  }
}
