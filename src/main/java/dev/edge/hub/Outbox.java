package dev.edge.hub;

import io.netty.channel.EventLoop;
import java.util.ArrayDeque;

/**
 * The clients of one event loop that have frames waiting to be written. A fan-out only appends a
 * frame to each recipient's queue and marks it here; one task on the loop then writes and flushes
 * the marked clients, {@link #SLICE} at a time, with the loop free to serve its other connections
 * between slices. When publishes come faster than the loop can flush, a client's frames pile up
 * between two of its flushes and go out in one write: the hub batches itself under load, and sends
 * one frame per write when it keeps up.
 *
 * <p>Thread-safety: confined to its loop; {@link #mark} must be called on it.
 */
final class Outbox implements Runnable {

  /** Clients one flush task writes to before it lets the loop do other work. */
  static final int SLICE = 512;

  private final EventLoop loop;
  private final FrameRing frames = new FrameRing();
  private final ArrayDeque<HubClient> marked = new ArrayDeque<>();
  private boolean scheduled;

  Outbox(EventLoop loop) {
    this.loop = loop;
  }

  /** The frames this loop's clients still have to write. */
  FrameRing frames() {
    return frames;
  }

  /** The loop whose clients this outbox flushes. */
  EventLoop loop() {
    return loop;
  }

  /** Queues {@code client} for the next flush task (the client marks itself once per batch). */
  void mark(HubClient client) {
    marked.add(client);
    if (!scheduled) {
      scheduled = true;
      loop.execute(this);
    }
  }

  /** Clients waiting for a flush now (for tests and diagnostics). */
  int waiting() {
    return marked.size();
  }

  @Override
  public void run() {
    for (int i = 0; i < SLICE; i++) {
      HubClient client = marked.poll();
      if (client == null) {
        break;
      }
      client.flushMarked();
    }
    frames.trim();
    if (marked.isEmpty()) {
      scheduled = false;
    } else {
      loop.execute(this);
    }
  }
}
