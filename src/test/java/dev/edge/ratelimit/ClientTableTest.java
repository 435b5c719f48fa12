package dev.edge.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The segment table against a reference LRU map ({@link LinkedHashMap} in access order): same
 * clients kept, same clients forgotten, same state, through growth, eviction and hash chains made
 * long on purpose.
 */
class ClientTableTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 64, 65, 100, 1000})
  void behavesLikeAnLruMapOfTheSameCapacity(int capacity) {
    ClientTable table = new ClientTable(capacity);
    Map<Long, Long> reference =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > capacity;
          }
        };
    SplittableRandom random = new SplittableRandom(capacity);
    int universe = capacity * 3 + 5;

    for (int step = 0; step < 50_000; step++) {
      long key = random.nextInt(universe);
      long high = key % 3 == 0 ? key : 0; // some keys differ only in the high half
      int hash = (int) (key % 7); // at most 7 distinct hashes: long chains
      long state = step;

      int slot = table.touch(high, key, hash, state);
      Long previous = reference.get(key);
      if (previous == null) {
        reference.put(key, state);
        assertThat(table.state(slot)).isEqualTo(state);
      } else {
        assertThat(table.state(slot)).as("state kept for %d", key).isEqualTo(previous);
      }
      if (random.nextInt(3) == 0) {
        table.state(slot, -step);
        reference.put(key, (long) -step);
      }

      assertThat(table.size()).isEqualTo(reference.size());
      if (step % 97 == 0) {
        Map<Long, Long> expected = new HashMap<>(reference); // get() would reorder the reference
        for (long k = 0; k < universe; k++) {
          int found = table.find(k % 3 == 0 ? k : 0, k, (int) (k % 7));
          assertThat(found != ClientTable.NONE)
              .as("client %d tracked at step %d", k, step)
              .isEqualTo(expected.containsKey(k));
          if (found != ClientTable.NONE) {
            assertThat(table.state(found)).isEqualTo(expected.get(k));
          }
        }
      }
    }
    assertThat(table.allocatedSlots()).isLessThanOrEqualTo(capacity);
  }
}
