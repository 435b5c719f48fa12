package dev.edge.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventGateTest {

  @Test
  void atMostTheLimitRunAtOnceAndTheRestFollowInOrder() {
    EventGate gate = new EventGate(2);
    List<Integer> started = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      gate.submit(() -> started.add(n));
    }
    assertThat(started).containsExactly(0, 1);
    assertThat(gate.waiting()).isEqualTo(3);
    gate.done();
    assertThat(started).containsExactly(0, 1, 2);
    gate.done();
    gate.done();
    assertThat(started).containsExactly(0, 1, 2, 3, 4);
    assertThat(gate.waiting()).isZero();
    gate.done();
    gate.done();
    gate.submit(() -> started.add(5));
    gate.submit(() -> started.add(6));
    assertThat(started).as("both slots free again").endsWith(5, 6);
  }

  @Test
  void eventsThatFinishAtOnceDoNotNestOnTheStack() {
    EventGate gate = new EventGate(1);
    int[] ran = new int[1];
    gate.submit(() -> ran[0]++); // holds the only slot
    for (int i = 0; i < 100_000; i++) {
      gate.submit(
          () -> {
            ran[0]++;
            gate.done(); // finished at once, like an event for an app that is gone
          });
    }
    gate.done();
    assertThat(ran[0]).isEqualTo(100_001);
    assertThat(gate.waiting()).isZero();
  }

  @Test
  void theLimitIsHalfOfWhatTheAppHolds() {
    assertThat(EventGate.limitFor(2, 32, 1000)).isEqualTo(532);
    assertThat(EventGate.limitFor(1, 1, 0)).isEqualTo(1);
  }
}
