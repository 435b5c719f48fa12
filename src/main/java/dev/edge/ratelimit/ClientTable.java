package dev.edge.ratelimit;

import java.util.Arrays;

/**
 * One segment of the rate limiter's clients: a hash table keyed by a 128-bit address with one
 * {@code long} of state per client, and a least-recently-seen list for eviction, all in parallel
 * primitive arrays. Nothing is allocated per lookup, insert or eviction; the arrays double as the
 * table fills, up to {@code capacity}, and from then on a new client takes the slot of the least
 * recently seen one. About 50 bytes per client: 3 longs, 4 ints and 2-4 bucket ints.
 *
 * <p>Not thread-safe: {@link RateLimiter} holds the segment's lock around every call.
 */
final class ClientTable {

  /** No slot: the end of a chain or of the recency list. */
  static final int NONE = -1;

  private static final int INITIAL_SLOTS = 64;

  private final int capacity;
  private long[] keyHigh;
  private long[] keyLow;
  private long[] state;
  private int[] hashes;

  /** Next slot in the same bucket. */
  private int[] chain;

  /** Neighbour in the recency list towards the least recently seen. */
  private int[] older;

  /** Neighbour in the recency list towards the most recently seen. */
  private int[] newer;

  private int[] buckets;
  private int size;
  private int oldest = NONE;
  private int newest = NONE;

  /** Creates an empty table that holds at most {@code capacity} clients. */
  ClientTable(int capacity) {
    if (capacity < 1 || capacity > 1 << 28) {
      throw new IllegalArgumentException("capacity " + capacity + " is not 1-" + (1 << 28));
    }
    this.capacity = capacity;
    int slots = Math.min(capacity, INITIAL_SLOTS);
    keyHigh = new long[slots];
    keyLow = new long[slots];
    state = new long[slots];
    hashes = new int[slots];
    chain = new int[slots];
    older = new int[slots];
    newer = new int[slots];
    rebuildBuckets();
  }

  /**
   * The slot of the client, now the most recently seen. A client not in the table is added with
   * {@code initialState}, evicting the least recently seen client if the table is full.
   */
  int touch(long high, long low, int hash, long initialState) {
    for (int slot = buckets[hash & (buckets.length - 1)]; slot != NONE; slot = chain[slot]) {
      if (keyHigh[slot] == high && keyLow[slot] == low) {
        if (slot != newest) {
          unlinkRecency(slot);
          linkNewest(slot);
        }
        return slot;
      }
    }
    int slot;
    if (size == capacity) {
      slot = oldest;
      unlinkRecency(slot);
      unlinkChain(slot);
    } else {
      if (size == keyHigh.length) {
        grow();
      }
      slot = size++;
    }
    keyHigh[slot] = high;
    keyLow[slot] = low;
    hashes[slot] = hash;
    state[slot] = initialState;
    int bucket = hash & (buckets.length - 1);
    chain[slot] = buckets[bucket];
    buckets[bucket] = slot;
    linkNewest(slot);
    return slot;
  }

  /** The slot of the client, or {@link #NONE}; does not count as seeing it. */
  int find(long high, long low, int hash) {
    for (int slot = buckets[hash & (buckets.length - 1)]; slot != NONE; slot = chain[slot]) {
      if (keyHigh[slot] == high && keyLow[slot] == low) {
        return slot;
      }
    }
    return NONE;
  }

  /** The state of the client in {@code slot}. */
  long state(int slot) {
    return state[slot];
  }

  /** Replaces the state of the client in {@code slot}. */
  void state(int slot, long value) {
    state[slot] = value;
  }

  /** Clients in the table. */
  int size() {
    return size;
  }

  /** Client slots allocated so far (at most the capacity). */
  int allocatedSlots() {
    return keyHigh.length;
  }

  private void linkNewest(int slot) {
    older[slot] = newest;
    newer[slot] = NONE;
    if (newest == NONE) {
      oldest = slot;
    } else {
      newer[newest] = slot;
    }
    newest = slot;
  }

  private void unlinkRecency(int slot) {
    int before = older[slot];
    int after = newer[slot];
    if (before == NONE) {
      oldest = after;
    } else {
      newer[before] = after;
    }
    if (after == NONE) {
      newest = before;
    } else {
      older[after] = before;
    }
  }

  private void unlinkChain(int slot) {
    int bucket = hashes[slot] & (buckets.length - 1);
    if (buckets[bucket] == slot) {
      buckets[bucket] = chain[slot];
      return;
    }
    int previous = buckets[bucket];
    while (chain[previous] != slot) {
      previous = chain[previous];
    }
    chain[previous] = chain[slot];
  }

  private void grow() {
    int slots = (int) Math.min(capacity, 2L * keyHigh.length);
    keyHigh = Arrays.copyOf(keyHigh, slots);
    keyLow = Arrays.copyOf(keyLow, slots);
    state = Arrays.copyOf(state, slots);
    hashes = Arrays.copyOf(hashes, slots);
    chain = Arrays.copyOf(chain, slots);
    older = Arrays.copyOf(older, slots);
    newer = Arrays.copyOf(newer, slots);
    rebuildBuckets();
  }

  /** A power of two of at least twice the slots (chains stay short), then every client rehashed. */
  private void rebuildBuckets() {
    int wanted = -1 >>> Integer.numberOfLeadingZeros(2 * keyHigh.length - 1);
    if (buckets == null || buckets.length != wanted + 1) {
      buckets = new int[wanted + 1];
    }
    Arrays.fill(buckets, NONE);
    for (int slot = 0; slot < size; slot++) {
      int bucket = hashes[slot] & (buckets.length - 1);
      chain[slot] = buckets[bucket];
      buckets[bucket] = slot;
    }
  }
}
