package dev.edge.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameRingTest {

  private static ByteBuf frame(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }

  @Test
  void aFrameIsReleasedOnceNoClientHoldsItAndEveryOlderOneIsGone() {
    FrameRing ring = new FrameRing();
    ByteBuf first = frame("one");
    ByteBuf second = frame("two");
    long a = ring.keep(first);
    ring.hold(a);
    ring.hold(a);
    long b = ring.keep(second);
    ring.hold(b);
    assertThat(b).isEqualTo(a + 1);
    assertThat(ring.length(a)).isEqualTo(3);

    ByteBuf taken = ring.take(a);
    assertThat(taken.toString(StandardCharsets.US_ASCII)).isEqualTo("one");
    taken.release();
    ring.drop(b); // b's only client went away
    ring.trim();
    assertThat(ring.kept()).as("a is still held, so b waits behind it").isEqualTo(2);
    assertThat(second.refCnt()).isEqualTo(1);

    ring.take(a).release();
    ring.trim();
    assertThat(ring.kept()).isZero();
    assertThat(first.refCnt()).isZero();
    assertThat(second.refCnt()).isZero();
  }

  @Test
  void aHeldOldFrameMakesTheRingGrowAndKeepsEveryFrameInOrder() {
    FrameRing ring = new FrameRing();
    long slow = ring.keep(frame("f0"));
    ring.hold(slow); // a slow client holds the oldest frame
    List<Long> numbers = new ArrayList<>();
    for (int i = 1; i < 300; i++) {
      long n = ring.keep(frame("f" + i));
      ring.hold(n);
      numbers.add(n);
    }
    assertThat(ring.kept()).isEqualTo(300);
    for (int i = 0; i < numbers.size(); i++) {
      ByteBuf taken = ring.take(numbers.get(i));
      assertThat(taken.toString(StandardCharsets.US_ASCII)).isEqualTo("f" + (i + 1));
      taken.release();
    }
    ring.trim();
    assertThat(ring.kept()).as("all wait behind the held first frame").isEqualTo(300);
    ring.take(slow).release();
    ring.trim();
    assertThat(ring.kept()).isZero();
  }
}
