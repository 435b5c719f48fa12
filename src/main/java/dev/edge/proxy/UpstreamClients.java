package dev.edge.proxy;

import dev.edge.proxy.UpstreamHealth.Upstream;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.resources.ConnectionProvider;

/**
 * The one Reactor Netty {@link HttpClient} of all external upstreams, over one named, bounded
 * {@link ConnectionProvider} (Reactor Netty keeps a pool per remote address inside it).
 *
 * <p>What differs between requests and lives in Reactor Netty's client configuration rather than in
 * the request, the connect timeout and, for TLS, the SNI name, is applied to a derived client that
 * is built once per distinct (TLS, connect timeout, SNI) and cached, never per request. (Both are
 * part of Reactor Netty's pool key, so a per-request client would open a new pool each time.)
 *
 * <p>TLS: the JDK's default trust (cacerts, or {@code javax.net.ssl.trustStore}), hostname
 * verification (Reactor Netty's default), SNI and verification against the upstream's host, or
 * against the route's {@code host} when it names one (the JDK checks the certificate against the
 * SNI name when one is set).
 */
final class UpstreamClients {

  /** Connections per upstream (Reactor Netty pools per remote address). */
  static final int MAX_CONNECTIONS = 512;

  /** Requests waiting for a connection per upstream before new ones fail at once. */
  static final int MAX_PENDING = 1024;

  /** Longest wait for a pooled connection when an upstream's pool is full. */
  static final Duration PENDING_TIMEOUT = Duration.ofSeconds(10);

  /** Idle connections are closed after this, below the common 60 s keep-alive of servers. */
  static final Duration MAX_IDLE = Duration.ofSeconds(30);

  /** Derived clients kept; past this the cache starts over (their pools are shared anyway). */
  static final int MAX_DERIVED = 256;

  private final ConnectionProvider connections;
  private final HttpClient base;
  private final SslContext tls;
  private final Map<Key, HttpClient> derived = new ConcurrentHashMap<>();

  /**
   * Creates the provider and the client; {@code onRequest} runs for every request once its headers
   * are prepared and before anything is written (the WebSocket path sets its headers there).
   */
  UpstreamClients(BiConsumer<? super HttpClientRequest, ? super Connection> onRequest) {
    this.connections =
        ConnectionProvider.builder("edge-upstreams")
            .maxConnections(MAX_CONNECTIONS)
            .pendingAcquireMaxCount(MAX_PENDING)
            .pendingAcquireTimeout(PENDING_TIMEOUT)
            .maxIdleTime(MAX_IDLE)
            .evictInBackground(Duration.ofSeconds(10))
            .disposeInactivePoolsInBackground(Duration.ofMinutes(1), Duration.ofMinutes(10))
            .build();
    this.base =
        HttpClient.create(connections)
            .disableRetry(true)
            .followRedirect(false)
            .compress(false)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .doOnRequest(onRequest);
    try {
      this.tls = Http11SslContextSpec.forClient().sslContext();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up TLS for upstreams", e);
    }
  }

  /**
   * The client for requests to {@code upstream}: {@code connectTimeout} for TCP connect and TLS
   * handshake each; for TLS, SNI (and the name the certificate must match) is {@code hostOverride}
   * when set and usable as a server name, else the upstream's host. Set explicitly because the JDK
   * sends none for single-label names such as {@code localhost}; never an IP literal.
   */
  HttpClient client(Upstream upstream, Duration connectTimeout, String hostOverride) {
    int connectMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    String sni = null;
    if (upstream.tls) {
      sni = hostOverride == null ? null : serverName(hostOverride);
      sni = sni == null ? serverName(upstream.host) : sni;
    }
    Key key = new Key(upstream.tls, connectMillis, sni);
    HttpClient client = derived.get(key);
    if (client != null) {
      return client;
    }
    if (derived.size() >= MAX_DERIVED) {
      derived.clear();
    }
    return derived.computeIfAbsent(key, this::build);
  }

  /** Closes every pooled connection (edge shutdown). */
  Mono<Void> disposeLater() {
    return connections.disposeLater();
  }

  private HttpClient build(Key key) {
    HttpClient client = base.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, key.connectMillis());
    if (!key.tls()) {
      return client;
    }
    Duration handshake = Duration.ofMillis(key.connectMillis());
    return client.secure(
        spec -> {
          var builder = spec.sslContext(tls).handshakeTimeout(handshake);
          if (key.sni() != null) {
            builder.serverNames(new SNIHostName(key.sni()));
          }
        });
  }

  /**
   * The host part of a {@code Host} value as an SNI name, or null when it cannot be one (an IP
   * literal or not a valid host name).
   */
  static String serverName(String hostHeader) {
    String host = hostHeader.trim();
    if (host.startsWith("[")) {
      return null;
    }
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    if (host.isEmpty() || NetUtil.isValidIpV4Address(host)) {
      return null;
    }
    try {
      return new SNIHostName(host).getAsciiName();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** What a derived client differs in. */
  private record Key(boolean tls, int connectMillis, String sni) {}
}
