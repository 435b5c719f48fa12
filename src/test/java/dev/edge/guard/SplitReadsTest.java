package dev.edge.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pipelined sequences split into reads at every byte offset give the same outcome as one read: the
 * scanner follows framing across any boundary.
 */
class SplitReadsTest {

  static final String GOOD =
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
          + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
          + "POST /c HTTP/1.1\r\nhost: x\r\ntransfer-encoding: Chunked\r\n\r\n"
          + "5;ext=\"q\\\"x\" ; e2\r\nhello\r\n00A\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n"
          + "\r\nHEAD /d?q=1 HTTP/1.0\r\nX-Request-Id: abc\r\n\r\n";

  static final String BAD_SECOND =
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
          + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "0\r\n\r\n";

  private static final List<String> GOOD_SEEN =
      List.of("GET /a", "POST /b", "POST /c", "HEAD /d?q=1");

  @Test
  void oneReadAnswersEveryRequestInOrder() {
    GuardedChannel ch = new GuardedChannel(GuardLimits.defaults()).send(GOOD);
    assertThat(ch.seen).isEqualTo(GOOD_SEEN);
    assertThat(ch.bodies).containsExactly(0L, 5L, 15L, 0L);
    assertThat(ch.responses()).extracting(GuardedChannel.Response::status).containsOnly(200);
    assertThat(ch.channel.isOpen()).as("closed after the HTTP/1.0 request's answer").isFalse();
  }

  @Test
  void everyTwoWaySplitGivesTheSameRequests() {
    byte[] all = GOOD.getBytes(StandardCharsets.ISO_8859_1);
    for (int k = 1; k < all.length; k++) {
      GuardedChannel ch =
          new GuardedChannel(GuardLimits.defaults())
              .send(Arrays.copyOfRange(all, 0, k))
              .send(Arrays.copyOfRange(all, k, all.length));
      assertThat(ch.seen).as("split at %d", k).isEqualTo(GOOD_SEEN);
      assertThat(ch.bodies).as("split at %d", k).containsExactly(0L, 5L, 15L, 0L);
      assertThat(ch.responses()).as("split at %d", k).hasSize(4);
      assertThat(ch.counter.snapshot().values()).as("split at %d", k).containsOnly(0L);
    }
  }

  @Test
  void oneByteAtATimeGivesTheSameRequests() {
    GuardedChannel ch = new GuardedChannel(GuardLimits.defaults());
    for (byte b : GOOD.getBytes(StandardCharsets.ISO_8859_1)) {
      ch.send(new byte[] {b});
    }
    assertThat(ch.seen).isEqualTo(GOOD_SEEN);
    assertThat(ch.responses()).hasSize(4);
  }

  @Test
  void severalBuffersInOneReadBurstAreHeldTogether() {
    byte[] all = BAD_SECOND.getBytes(StandardCharsets.ISO_8859_1);
    int cut = BAD_SECOND.indexOf("Transfer-Encoding");
    GuardedChannel ch =
        new GuardedChannel(GuardLimits.defaults())
            .sendBurst(Arrays.copyOfRange(all, 0, cut), Arrays.copyOfRange(all, cut, all.length));
    assertThat(ch.seen).containsExactly("GET /a");
    assertThat(ch.responses())
        .extracting(GuardedChannel.Response::status)
        .containsExactly(200, 400);
  }

  @Test
  void aBadRequestAfterAGoodOneIsRefusedAfterItsAnswerAtEverySplit() {
    byte[] all = BAD_SECOND.getBytes(StandardCharsets.ISO_8859_1);
    for (int k = 1; k < all.length; k++) {
      GuardedChannel ch =
          new GuardedChannel(GuardLimits.defaults())
              .send(Arrays.copyOfRange(all, 0, k))
              .send(Arrays.copyOfRange(all, k, all.length));
      assertThat(ch.seen).as("split at %d", k).containsExactly("GET /a");
      List<GuardedChannel.Response> responses = ch.responses();
      assertThat(responses).as("split at %d", k).hasSize(2);
      assertThat(responses.get(0).status()).isEqualTo(200);
      assertThat(responses.get(1).reason()).as("split at %d", k).isEqualTo("bad_framing");
      assertThat(ch.channel.isOpen()).as("split at %d", k).isFalse();
      assertThat(ch.counter.count(dev.edge.EdgeException.Reason.BAD_FRAMING)).isEqualTo(1);
    }
  }

  @Test
  void theRefusalWaitsForAnEarlierResponseStillInProgress() {
    GuardedChannel ch = new GuardedChannel(GuardLimits.defaults());
    ch.hold = true;
    ch.send(BAD_SECOND);
    assertThat(ch.seen).containsExactly("GET /a");
    assertThat(ch.responses()).isEmpty();
    assertThat(ch.channel.isOpen()).isTrue();
    ch.answerHeld();
    ch.channel.runPendingTasks();
    assertThat(ch.responses())
        .extracting(GuardedChannel.Response::status)
        .containsExactly(200, 400);
    assertThat(ch.channel.isOpen()).isFalse();
  }

  @Test
  void aChunkErrorInTheSameReadAsTheHeadNeverReachesTheApp() {
    GuardedChannel ch =
        new GuardedChannel(GuardLimits.defaults())
            .send(
                "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\nzz\r\n");
    assertThat(ch.seen).isEmpty();
    assertThat(ch.responses())
        .extracting(GuardedChannel.Response::reason)
        .containsExactly("bad_framing");
  }

  @Test
  void aChunkErrorInALaterReadCutsTheRequestTheAppAlreadySaw() {
    GuardedChannel ch =
        new GuardedChannel(GuardLimits.defaults())
            .send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            .send("zz\r\n");
    assertThat(ch.seen).containsExactly("POST /c");
    assertThat(ch.responses())
        .extracting(GuardedChannel.Response::reason)
        .containsExactly("bad_framing");
    assertThat(ch.channel.isOpen()).isFalse();
  }
}
