package dev.edge.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.SocketAddress;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;

/**
 * What a forwarder needs of a client's request, whichever path read it (Reactor Netty's server or
 * the edge's fast lane): method, target, headers, who sent it and how, and the client's channel
 * (whose event loop runs the worker connection, and whose closing ends the exchange).
 *
 * @param method the request method
 * @param uri the request target as the client sent it (origin form after the guard)
 * @param headers the client's request headers
 * @param client the client's address ({@code X-Forwarded-For})
 * @param scheme {@code http} or {@code https} ({@code X-Forwarded-Proto})
 * @param channel the client's connection
 */
public record ClientRequest(
    HttpMethod method,
    String uri,
    HttpHeaders headers,
    SocketAddress client,
    String scheme,
    Channel channel) {

  /** The request as Reactor Netty's server read it. */
  public static ClientRequest of(HttpServerRequest req) {
    return new ClientRequest(
        req.method(),
        req.uri(),
        req.requestHeaders(),
        req.remoteAddress(),
        req.scheme(),
        ((Connection) req).channel());
  }
}
