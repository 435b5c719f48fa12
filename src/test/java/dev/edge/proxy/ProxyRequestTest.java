package dev.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The small text rules: request targets sent upstream and SNI names. */
class ProxyRequestTest {

  @Test
  void originFormTargetsAreSentUnchangedAndAbsoluteOnesAsPathAndQuery() {
    assertThat(ProxyRequest.originForm("/a%2Fb?x=1&y=%20")).isEqualTo("/a%2Fb?x=1&y=%20");
    assertThat(ProxyRequest.originForm("http://h.example:81/p/q?x=1")).isEqualTo("/p/q?x=1");
    assertThat(ProxyRequest.originForm("http://h.example?x=1")).isEqualTo("/?x=1");
    assertThat(ProxyRequest.originForm("http://h.example")).isEqualTo("/");
    assertThat(ProxyRequest.originForm("*")).isEqualTo("/");
  }

  @Test
  void sniNamesAreHostNamesWithoutPortNeverIpLiterals() {
    assertThat(UpstreamClients.serverName("api.example.com:8443")).isEqualTo("api.example.com");
    assertThat(UpstreamClients.serverName("localhost")).isEqualTo("localhost");
    assertThat(UpstreamClients.serverName("10.0.0.1")).isNull();
    assertThat(UpstreamClients.serverName("10.0.0.1:443")).isNull();
    assertThat(UpstreamClients.serverName("[::1]:443")).isNull();
    assertThat(UpstreamClients.serverName("bad name")).isNull();
  }
}
