package dev.edge.hub;

import io.netty.buffer.ByteBuf;

/**
 * The frames one event loop's clients still have to write, numbered in the order they were kept. A
 * fan-out keeps its frame here once and queues only the frame's number on each recipient, with a
 * count of the clients holding it; a client's flush takes a duplicate and lets go. Client queues
 * thus hold primitive numbers, not buffers: queueing on 10,000 clients stores no new object into
 * 10,000 long-lived queues (each such store costs a garbage-collector write barrier and card
 * refinement). A frame is released once no client holds it and every older frame is released too;
 * the ring grows while a slow client holds an old frame (by at most that client's send queue).
 *
 * <p>Thread-safety: confined to its loop.
 */
final class FrameRing {

  private ByteBuf[] frames = new ByteBuf[64];
  private int[] holders = new int[64];
  private long oldest;
  private long next;

  /** Keeps {@code frame} (a reference the ring now owns); returns its number. */
  long keep(ByteBuf frame) {
    trim();
    if (next - oldest == frames.length) {
      grow();
    }
    int slot = slot(next);
    frames[slot] = frame;
    holders[slot] = 0;
    return next++;
  }

  /** One more client holds frame {@code number}. */
  void hold(long number) {
    holders[slot(number)]++;
  }

  /** The length of frame {@code number}. */
  int length(long number) {
    return frames[slot(number)].readableBytes();
  }

  /** A duplicate of frame {@code number} to write (the caller owns it); lets go of one hold. */
  ByteBuf take(long number) {
    int slot = slot(number);
    holders[slot]--;
    return frames[slot].retainedDuplicate();
  }

  /** Lets go of one hold on frame {@code number} without writing it (its client is gone). */
  void drop(long number) {
    holders[slot(number)]--;
  }

  /** Frames kept now (for tests). */
  int kept() {
    return (int) (next - oldest);
  }

  /** Releases the oldest frames no client holds. */
  void trim() {
    while (oldest < next && holders[slot(oldest)] == 0) {
      int slot = slot(oldest);
      frames[slot].release();
      frames[slot] = null;
      oldest++;
    }
  }

  private int slot(long number) {
    return (int) (number & (frames.length - 1));
  }

  private void grow() {
    ByteBuf[] moreFrames = new ByteBuf[frames.length * 2];
    int[] moreHolders = new int[frames.length * 2];
    for (long n = oldest; n < next; n++) {
      int from = slot(n);
      int to = (int) (n & (moreFrames.length - 1));
      moreFrames[to] = frames[from];
      moreHolders[to] = holders[from];
    }
    frames = moreFrames;
    holders = moreHolders;
  }
}
