package dev.edge.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.EdgeException.Reason;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Server removal, HSTS, absolute-form rewriting, upgrades and the counter. */
class ResponseHooksTest {

  private static final GuardLimits HSTS =
      new GuardLimits(
          8192,
          16384,
          Duration.ofSeconds(10),
          Duration.ofSeconds(60),
          Duration.ofSeconds(30),
          1024,
          0,
          true);

  @Test
  void hstsIsAddedOnlyWhenOnAndSecureAndNotAlreadySet() {
    HttpHeaders headers = new DefaultHttpHeaders();
    new HstsHook(true).apply(headers, true);
    assertThat(headers.get("strict-transport-security"))
        .isEqualTo("max-age=31536000; includeSubDomains");

    HttpHeaders plain = new DefaultHttpHeaders();
    new HstsHook(true).apply(plain, false);
    assertThat(plain.contains("strict-transport-security")).isFalse();

    HttpHeaders off = new DefaultHttpHeaders();
    new HstsHook(false).apply(off, true);
    assertThat(off.contains("strict-transport-security")).isFalse();

    HttpHeaders own = new DefaultHttpHeaders().set("Strict-Transport-Security", "max-age=60");
    new HstsHook(true).apply(own, true);
    assertThat(own.getAll("strict-transport-security")).containsExactly("max-age=60");
  }

  @Test
  void responsesLoseServerAndGetHstsOnSecureConnections() {
    GuardedChannel secure =
        new GuardedChannel(HSTS, true).decorate(r -> r.headers().set("Server", "worker/1.0"));
    secure.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(secure.responses().get(0).headers())
        .doesNotContainKey("server")
        .containsEntry("strict-transport-security", HstsHook.VALUE);

    GuardedChannel plain =
        new GuardedChannel(HSTS, false).decorate(r -> r.headers().set("Server", "worker/1.0"));
    plain.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(plain.responses().get(0).headers())
        .doesNotContainKey("server")
        .doesNotContainKey("strict-transport-security");
  }

  @Test
  void anAbsoluteFormTargetThatAgreesWithHostBecomesOriginFormAndOneThatDoesNotIsRefused() {
    GuardedChannel ch =
        new GuardedChannel(GuardLimits.defaults())
            .send("GET HTTP://Example.COM:80/a/b?c=d HTTP/1.1\r\nHost: example.com\r\n\r\n")
            .send("GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n")
            .send("GET http://evil.example/x HTTP/1.1\r\nHost: example.com\r\n\r\n");
    assertThat(ch.seen).containsExactly("GET /a/b?c=d", "GET /");
    assertThat(ch.responses())
        .extracting(GuardedChannel.Response::reason)
        .containsExactly(null, null, "bad_host");
  }

  @Test
  void anUpgradeRefusedLetsTheNextRequestThrough() {
    GuardedChannel ch = new GuardedChannel(GuardLimits.defaults());
    ch.send(
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(ch.seen).containsExactly("GET /ws", "GET /next");
    assertThat(ch.responses()).hasSize(2);
  }

  @Test
  void afterSwitchingProtocolsTheBytesPassUnscanned() {
    GuardedChannel ch = new GuardedChannel(GuardLimits.defaults());
    ch.hold = true;
    ch.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    ch.send(new byte[] {(byte) 0x81, 0x02, 'h', 'i', 0, 1, 2});
    assertThat(ch.seen).containsExactly("GET /ws");
    ch.channel.pipeline().remove(HttpServerCodec.class);
    ch.channel.writeAndFlush(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));
    ch.channel.runPendingTasks();
    ch.send(new byte[] {3, 4});
    assertThat(ch.raw).containsExactly("81026869000102", "0304");
    assertThat(ch.channel.isOpen()).isTrue();
    assertThat(ch.counter.snapshot().values()).containsOnly(0L);
  }

  @Test
  void theCounterSnapshotsEveryReasonByCode() {
    RejectionCounter counter = new RejectionCounter();
    counter.increment(Reason.BAD_HOST);
    counter.increment(Reason.BAD_HOST);
    counter.increment(Reason.URI_TOO_LONG);
    Map<String, Long> snapshot = counter.snapshot();
    assertThat(snapshot).containsEntry("bad_host", 2L).containsEntry("uri_too_long", 1L);
    assertThat(snapshot).containsEntry("bad_framing", 0L).hasSize(Reason.values().length);
  }
}
