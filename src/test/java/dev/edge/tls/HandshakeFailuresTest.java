package dev.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class HandshakeFailuresTest {

  @Test
  void causesAreSortedIntoReasons() {
    assertThat(HandshakeFailures.reason(new SslHandshakeTimeoutException("10000ms")))
        .isEqualTo("timeout");
    assertThat(HandshakeFailures.reason(new DecoderException(new NotSslRecordException("GET /"))))
        .isEqualTo("not_tls");
    assertThat(HandshakeFailures.reason(new SSLHandshakeException("No appropriate protocol")))
        .isEqualTo("protocol_version");
    assertThat(HandshakeFailures.reason(new SSLHandshakeException("no cipher suites in common")))
        .isEqualTo("no_shared_cipher");
    assertThat(
            HandshakeFailures.reason(
                new SSLHandshakeException("No available authentication scheme")))
        .isEqualTo("no_certificate");
    assertThat(
            HandshakeFailures.reason(
                new SSLHandshakeException("Received fatal alert: certificate_unknown")))
        .isEqualTo("certificate_rejected");
    assertThat(HandshakeFailures.reason(new ClosedChannelException())).isEqualTo("closed");
    assertThat(HandshakeFailures.reason(new IllegalStateException("?"))).isEqualTo("other");
  }

  @Test
  void countsByReasonAndInTheRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    HandshakeFailures failures = new HandshakeFailures(registry);
    failures.record(new SslHandshakeTimeoutException("x"));
    failures.record(new SslHandshakeTimeoutException("x"));
    failures.record(new ClosedChannelException());
    assertThat(failures.counts())
        .containsEntry("timeout", 2L)
        .containsEntry("closed", 1L)
        .containsEntry("other", 0L)
        .hasSize(HandshakeFailures.REASONS.size());
    assertThat(
            registry.get("edge.tls.handshake.failures").tag("reason", "timeout").counter().count())
        .isEqualTo(2.0);
  }
}
