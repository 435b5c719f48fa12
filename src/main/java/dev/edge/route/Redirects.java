package dev.edge.route;

import dev.edge.edgefile.HeaderRules;
import dev.edge.edgefile.RouteAction;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The {@code redirect} action: {@code Location} is the route's template with {@code {path}}
 * replaced by the request path (as received, still percent-encoded) and {@code {query}} by the
 * query with its leading {@code ?} (or nothing); the body is empty.
 */
public final class Redirects {

  private Redirects() {}

  /** Answers {@code req} with the redirect. */
  public static Mono<Void> send(
      RouteAction.Redirect redirect,
      HttpServerRequest req,
      HttpServerResponse res,
      HeaderRules.Edits responseEdits) {
    String uri = req.uri();
    String location =
        redirect
            .to()
            .replace("{path}", RequestPaths.pathOf(uri))
            .replace("{query}", RequestPaths.queryOf(uri));
    res.status(redirect.status())
        .header(HttpHeaderNames.LOCATION, location)
        .header(HttpHeaderNames.CONTENT_LENGTH, "0");
    responseEdits.applyTo(res.responseHeaders());
    return res.send().then();
  }
}
