package dev.edge.tls;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The HTTPS listener's one TLS context: certificates chosen per handshake by a {@link
 * SniKeyManager}, TLS 1.3 and 1.2 only, Mozilla's "intermediate" cipher suites (AEAD with forward
 * secrecy, which HTTP/2 also requires), ALPN offering {@code h2} then {@code http/1.1} (and {@code
 * acme-tls/1}, which only ACME validation clients ask for), and session resumption (a session
 * cache, and TLS 1.3 tickets).
 */
public final class TlsContexts {

  /** TLS versions offered. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /**
   * Mozilla's "intermediate" configuration (version 5.7), in its order, by their JSSE names. The
   * TLS 1.3 suites come first; the JDK offers only those its provider supports.
   */
  public static final List<String> CIPHERS =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /** Sessions kept for resumption. */
  static final int SESSION_CACHE_SIZE = 20_480;

  /** How long a session may be resumed, in seconds (a day, as Mozilla recommends). */
  static final int SESSION_TIMEOUT_SECONDS = 86_400;

  private TlsContexts() {}

  /** The server context answering every handshake with what {@code keys} chooses. */
  public static SslContext server(SniKeyManager keys) {
    if (!Http2SecurityUtil.CIPHERS.containsAll(CIPHERS.subList(3, 9))) {
      throw new IllegalStateException("HTTP/2's cipher list no longer has the ECDHE AEAD suites");
    }
    try {
      return SslContextBuilder.forServer(new KeyManagerFactoryWrapper(keys))
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  ApplicationProtocolNames.HTTP_2,
                  ApplicationProtocolNames.HTTP_1_1,
                  AcmeChallenges.ACME_TLS_1))
          .sessionCacheSize(SESSION_CACHE_SIZE)
          .sessionTimeout(SESSION_TIMEOUT_SECONDS)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
    }
  }
}
