package dev.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.proxy.UpstreamHealth.Upstream;
import io.netty.channel.ChannelOption;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SNIHostName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/** Derived clients: one per (TLS, connect timeout, SNI), never one per request. */
class UpstreamClientsTest {

  private final UpstreamHealth health =
      new UpstreamHealth(Clock.systemUTC(), Duration.ofSeconds(10));
  private final UpstreamClients clients = new UpstreamClients((req, connection) -> {});

  @AfterEach
  void dispose() {
    clients.disposeLater().block(Duration.ofSeconds(10));
  }

  @Test
  void theSameSettingsGiveTheSameClientAndTheConnectTimeoutIsSet() {
    Upstream plain = health.upstream(URI.create("http://a.example:8080"));
    Upstream other = health.upstream(URI.create("http://b.example:8080"));

    HttpClient first = clients.client(plain, Duration.ofMillis(1500), null);

    assertThat(clients.client(plain, Duration.ofMillis(1500), null)).isSameAs(first);
    assertThat(clients.client(other, Duration.ofMillis(1500), "x.example")).isSameAs(first);
    assertThat(first.configuration().options().get(ChannelOption.CONNECT_TIMEOUT_MILLIS))
        .isEqualTo(1500);
    assertThat(first.configuration().sslProvider()).isNull();
    assertThat(clients.client(plain, Duration.ofMillis(900), null)).isNotSameAs(first);
  }

  @Test
  void tlsClientsNameTheUpstreamOrTheRouteHostAsSni() {
    Upstream tls = health.upstream(URI.create("https://api.example"));

    HttpClient own = clients.client(tls, Duration.ofSeconds(2), null);
    HttpClient routed = clients.client(tls, Duration.ofSeconds(2), "edge.example:443");

    assertThat(own.configuration().sslProvider().getServerNames())
        .containsExactly(new SNIHostName("api.example"));
    assertThat(routed.configuration().sslProvider().getServerNames())
        .containsExactly(new SNIHostName("edge.example"));
    assertThat(clients.client(tls, Duration.ofSeconds(2), "edge.example:443")).isSameAs(routed);
  }
}
