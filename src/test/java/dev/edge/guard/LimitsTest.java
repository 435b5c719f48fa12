package dev.edge.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.EdgeException.Reason;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Body size, connection count, header and body timeouts, 100-continue. */
class LimitsTest {

  private static GuardLimits limits(long maxBody, Duration header, Duration bodyIdle) {
    return new GuardLimits(
        8192, 16384, header, Duration.ofSeconds(60), bodyIdle, maxBody, 0, false);
  }

  private static final GuardLimits SMALL_BODY =
      limits(10, Duration.ofSeconds(10), Duration.ofSeconds(30));

  @Test
  void aContentLengthOverTheLimitIsRefusedBeforeTheBody() {
    GuardedChannel ch =
        new GuardedChannel(SMALL_BODY)
            .send("POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n");
    assertThat(ch.seen).isEmpty();
    GuardedChannel.Response response = ch.responses().get(0);
    assertThat(response.status()).isEqualTo(413);
    assertThat(response.reason()).isEqualTo("body_too_large");
    assertThat(ch.channel.isOpen()).isFalse();
  }

  @Test
  void aContentLengthAtTheLimitPasses() {
    GuardedChannel ch =
        new GuardedChannel(SMALL_BODY)
            .send("POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789");
    assertThat(ch.bodies).containsExactly(10L);
  }

  @Test
  void aChunkedBodyGrowingOverTheLimitIsCutMidStream() {
    GuardedChannel ch =
        new GuardedChannel(SMALL_BODY)
            .send(
                "POST /u HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    assertThat(ch.seen).containsExactly("POST /u");
    ch.send("6\r\nworld!\r\n0\r\n\r\n");
    assertThat(ch.responses())
        .extracting(GuardedChannel.Response::reason)
        .containsExactly("body_too_large");
    assertThat(ch.responses().get(0).status()).isEqualTo(413);
    assertThat(ch.channel.isOpen()).isFalse();
    assertThat(ch.counter.count(Reason.BODY_TOO_LARGE)).isEqualTo(1);
  }

  @Test
  void aBodyLimitOfZeroMeansNoLimit() {
    GuardLimits unlimited = limits(0, Duration.ofSeconds(10), Duration.ofSeconds(30));
    GuardedChannel byLength =
        new GuardedChannel(unlimited)
            .send("POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\nabc");
    GuardedChannel chunked =
        new GuardedChannel(unlimited)
            .send(
                "POST /v HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "ffffffffff\r\nabc");
    assertThat(byLength.seen).containsExactly("POST /u");
    assertThat(chunked.seen).containsExactly("POST /v");
    assertThat(byLength.counter.snapshot().values()).containsOnly(0L);
    assertThat(chunked.counter.snapshot().values()).containsOnly(0L);
  }

  @Test
  void connectionsPerClientAreCountedUntilTheyClose() throws Exception {
    ClientConnections connections = new ClientConnections(2);
    InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 5000);
    EmbeddedChannel a = new EmbeddedChannel();
    EmbeddedChannel b = new EmbeddedChannel();
    EmbeddedChannel c = new EmbeddedChannel();
    assertThat(connections.admit(a, client)).isTrue();
    assertThat(connections.admit(b, client)).isTrue();
    assertThat(connections.admit(c, client)).isFalse();
    assertThat(
            connections.admit(
                new EmbeddedChannel(),
                new InetSocketAddress(InetAddress.getByName("192.0.2.8"), 1)))
        .isTrue();
    c.close();
    a.close();
    assertThat(connections.count(client.getAddress())).isEqualTo(1);
    assertThat(connections.admit(new EmbeddedChannel(), client)).isTrue();
    b.close();
    assertThat(connections.count(client.getAddress())).isEqualTo(1);
  }

  @Test
  void aConnectionOverTheLimitGets429AtItsFirstRequest() {
    GuardedChannel ch = new GuardedChannel(GuardLimits.defaults());
    ch.channel
        .pipeline()
        .get(GuardHandler.class)
        .rejectEveryHead(new Rejection(Reason.TOO_MANY_CONNECTIONS, "too many"));
    ch.send("GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: mine-1\r\n\r\n");
    GuardedChannel.Response response = ch.responses().get(0);
    assertThat(response.status()).isEqualTo(429);
    assertThat(response.reason()).isEqualTo("too_many_connections");
    assertThat(response.headers())
        .containsEntry("retry-after", "1")
        .containsEntry("x-request-id", "mine-1");
    assertThat(ch.seen).isEmpty();
  }

  @Test
  void aHeadNotCompleteWithinTheHeaderTimeoutGets408() throws Exception {
    GuardedChannel ch =
        new GuardedChannel(limits(10, Duration.ofMillis(150), Duration.ofSeconds(30)));
    ch.send("GET / HTTP/1.1\r\nHo");
    Thread.sleep(80);
    ch.send("st: x\r\n");
    ch.channel.runScheduledPendingTasks();
    assertThat(ch.channel.isOpen()).as("open before the timeout").isTrue();
    Thread.sleep(120);
    ch.channel.runScheduledPendingTasks();
    assertThat(ch.responses())
        .extracting(GuardedChannel.Response::reason)
        .containsExactly("request_timeout");
    assertThat(ch.responses().get(0).status()).isEqualTo(408);
    assertThat(ch.channel.isOpen()).isFalse();
  }

  @Test
  void aConnectionThatSendsNothingIsClosedSilentlyAtTheHeaderTimeout() throws Exception {
    GuardedChannel ch =
        new GuardedChannel(limits(10, Duration.ofMillis(100), Duration.ofSeconds(30)));
    Thread.sleep(150);
    ch.channel.runScheduledPendingTasks();
    assertThat(ch.channel.isOpen()).isFalse();
    assertThat(ch.output()).isEmpty();
  }

  @Test
  void theHeaderTimeoutOfALaterRequestStartsAtItsFirstByte() throws Exception {
    GuardedChannel ch =
        new GuardedChannel(limits(10, Duration.ofMillis(150), Duration.ofSeconds(30)));
    ch.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    Thread.sleep(200);
    ch.channel.runScheduledPendingTasks();
    assertThat(ch.channel.isOpen()).as("idle between requests is not the header timeout").isTrue();
    ch.send("GET /b HTTP/1.1\r\n");
    Thread.sleep(100);
    ch.channel.runScheduledPendingTasks();
    assertThat(ch.channel.isOpen()).isTrue();
    Thread.sleep(100);
    ch.channel.runScheduledPendingTasks();
    assertThat(ch.channel.isOpen()).isFalse();
    assertThat(ch.responses())
        .extracting(GuardedChannel.Response::status)
        .containsExactly(200, 408);
  }

  @Test
  void aSilentBodyIsCutAtTheBodyIdleTimeout() throws Exception {
    GuardedChannel ch =
        new GuardedChannel(limits(100, Duration.ofSeconds(10), Duration.ofMillis(150)));
    ch.send("POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n012");
    Thread.sleep(100);
    ch.send("34");
    ch.channel.runScheduledPendingTasks();
    Thread.sleep(100);
    ch.channel.runScheduledPendingTasks();
    assertThat(ch.channel.isOpen()).as("a byte came 100 ms ago").isTrue();
    Thread.sleep(100);
    ch.channel.runScheduledPendingTasks();
    assertThat(ch.channel.isOpen()).isFalse();
    assertThat(ch.counter.count(Reason.REQUEST_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void aClientWaitingFor100ContinueIsNotIdleUntilTheContinueGoesOut() throws Exception {
    GuardedChannel ch =
        new GuardedChannel(limits(100, Duration.ofSeconds(10), Duration.ofMillis(100)));
    ch.send("POST /u HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    Thread.sleep(150);
    ch.channel.runScheduledPendingTasks();
    assertThat(ch.channel.isOpen()).isTrue();
    ch.channel.writeAndFlush(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    ch.send("hel");
    assertThat(ch.responses()).extracting(GuardedChannel.Response::status).containsExactly(100);
    Thread.sleep(150);
    ch.channel.runScheduledPendingTasks();
    assertThat(ch.channel.isOpen()).isFalse();
  }

  @Test
  void aFinalAnswerWhileTheClientWaitsFor100ContinueClosesTheConnection() {
    GuardedChannel ch = new GuardedChannel(GuardLimits.defaults());
    ch.send("POST /u HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    DefaultFullHttpResponse refusal =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN);
    refusal.headers().set("content-length", 0);
    ch.channel.writeAndFlush(refusal);
    ch.channel.runPendingTasks();
    assertThat(ch.responses().get(0).headers()).containsEntry("connection", "close");
    assertThat(ch.channel.isOpen()).isFalse();
  }
}
