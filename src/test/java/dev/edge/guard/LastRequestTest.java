package dev.edge.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After the last request of a connection — one saying {@code Connection: close}, HTTP/1.0 without
 * keep-alive, or one whose response closes the connection — the bytes that follow are discarded,
 * never read as a request and never answered (RFC 9112 §9.6).
 */
class LastRequestTest {

  private static final String CLOSING = "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

  private static GuardedChannel channel() {
    return new GuardedChannel(GuardLimits.defaults());
  }

  /** Exactly one response, {@code 200} with {@code Connection: close}, then a closed channel. */
  private static void answeredOnceAndClosed(GuardedChannel ch, String... seen) {
    assertThat(ch.seen).as("requests the app saw").containsExactly(seen);
    assertThat(ch.responses()).hasSize(1);
    assertThat(ch.responses().get(0).status()).isEqualTo(200);
    assertThat(ch.responses().get(0).headers()).containsEntry("connection", "close");
    assertThat(ch.channel.isOpen()).as("connection open").isFalse();
    assertThat(ch.counter.snapshot().values()).as("rejections").containsOnly(0L);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "garbage\r\n\r\n",
        "GET /b HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /b HTTP/1.1\r\nHo",
        "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "A\r\n0123456789\r\n0\r\n\r\n",
        "\u0000\u0001 \r\n"
      })
  void whatFollowsAConnectionCloseRequestIsDiscarded(String leftover) {
    answeredOnceAndClosed(channel().send(CLOSING + leftover), "GET /a");
  }

  @Test
  void theMisspeltTransferEncodingReproGetsOneAnswer() {
    GuardedChannel ch =
        channel()
            .send(
                "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encodilg: chunked\r\n"
                    + "Connection: close\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n");
    answeredOnceAndClosed(ch, "POST /echo");
    assertThat(ch.bodies).containsExactly(0L);
  }

  @Test
  void theBodyOfTheLastRequestStillPassesOnlyWhatFollowsIsDiscarded() {
    GuardedChannel ch =
        channel()
            .send(
                "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
                    + "helloGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    answeredOnceAndClosed(ch, "POST /a");
    assertThat(ch.bodies).containsExactly(5L);
  }

  @Test
  void aSecondRequestIsDiscardedAtEveryTwoWaySplit() {
    byte[] all =
        (CLOSING + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    for (int k = 1; k < all.length; k++) {
      GuardedChannel ch =
          channel()
              .send(Arrays.copyOfRange(all, 0, k))
              .send(Arrays.copyOfRange(all, k, all.length));
      assertThat(ch.seen).as("split at %d", k).containsExactly("GET /a");
      assertThat(ch.responses()).as("split at %d", k).hasSize(1);
      assertThat(ch.channel.isOpen()).as("split at %d", k).isFalse();
    }
  }

  @Test
  void bytesArrivingWhileTheLastRequestIsAnsweredAreDiscarded() {
    GuardedChannel ch = channel();
    ch.hold = true;
    ch.send(CLOSING).send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n").send("more garbage");
    assertThat(ch.responses()).isEmpty();
    ch.answerHeld();
    answeredOnceAndClosed(ch, "GET /a");
  }

  @Test
  void earlierPipelinedRequestsAreAnsweredFirst() {
    GuardedChannel ch =
        channel().send("GET /0 HTTP/1.1\r\nHost: x\r\n\r\n" + CLOSING + "GET /b HTTP/1.1\r\n\r\n");
    assertThat(ch.seen).containsExactly("GET /0", "GET /a");
    assertThat(ch.responses())
        .extracting(GuardedChannel.Response::status)
        .containsExactly(200, 200);
    assertThat(ch.responses().get(0).headers()).doesNotContainKey("connection");
    assertThat(ch.responses().get(1).headers()).containsEntry("connection", "close");
    assertThat(ch.channel.isOpen()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Connection: Close",
        "connection: keep-alive, CLOSE",
        "CONNECTION:\t, close ,",
        "Connection: x-hop\r\nConnection: close",
        "Content-Length: 0\r\nConnection: close"
      })
  void closeIsReadAsNettyReadsIt(String field) {
    GuardedChannel ch =
        channel()
            .send("GET /a HTTP/1.1\r\nHost: x\r\n" + field + "\r\n\r\nGET /b HTTP/1.1\r\n\r\n");
    answeredOnceAndClosed(ch, "GET /a");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Connection: closed",
        "Connection: close x",
        "Connection: x-close",
        "X-Close: close"
      })
  void otherValuesLeaveTheConnectionOpen(String field) {
    GuardedChannel ch =
        channel()
            .send(
                "GET /a HTTP/1.1\r\nHost: x\r\n"
                    + field
                    + "\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(ch.seen).containsExactly("GET /a", "GET /b");
    assertThat(ch.responses()).hasSize(2);
    assertThat(ch.channel.isOpen()).isTrue();
  }

  @Test
  void anHttp10RequestWithoutKeepAliveIsTheLast() {
    answeredOnceAndClosed(
        channel().send("GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.0\r\n\r\n"), "GET /a");
  }

  @Test
  void anHttp10RequestWithKeepAliveIsNot() {
    GuardedChannel ch =
        channel()
            .send(
                "GET /a HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"
                    + "GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                    + "GET /c HTTP/1.0\r\n\r\nGET /d HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(ch.seen).containsExactly("GET /a", "GET /b", "GET /c");
    assertThat(ch.responses()).hasSize(3);
    assertThat(ch.channel.isOpen()).isFalse();
  }

  @Test
  void anUpgradeRequestThatSaysCloseIsTheLastOnceRefused() {
    GuardedChannel ch =
        channel()
            .send(
                "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade, close"
                    + "\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n");
    answeredOnceAndClosed(ch, "GET /ws");
  }

  @Test
  void afterAResponseThatClosesNothingElseIsAnswered() {
    GuardedChannel ch =
        new GuardedChannel(GuardLimits.defaults())
            .decorate(r -> r.headers().set("Connection", "close")); // e.g. a stopping edge
    ch.hold = true;
    ch.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    ch.answerHeld();
    assertThat(ch.responses()).hasSize(1);
    assertThat(ch.channel.isOpen()).isFalse();
  }

  @Test
  void aRequestDecodedAfterAResponseThatClosesNeverReachesTheApp() {
    GuardedChannel ch =
        new GuardedChannel(GuardLimits.defaults())
            .decorate(r -> r.headers().set("Connection", "close")); // e.g. a refusal by check()
    ch.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(ch.seen).containsExactly("GET /a");
    assertThat(ch.responses()).hasSize(1);
    assertThat(ch.channel.isOpen()).isFalse();
  }

  @Test
  void whatFollowsARejectedRequestIsNeverAnswered() {
    GuardedChannel ch =
        channel()
            .send(
                "GET /a HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n"
                    + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(ch.seen).isEmpty();
    assertThat(ch.responses()).extracting(GuardedChannel.Response::status).containsExactly(400);
    ch.send("GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(ch.seen).isEmpty();
    assertThat(ch.responses()).hasSize(1);
  }
}
