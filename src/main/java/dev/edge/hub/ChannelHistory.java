package dev.edge.hub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last messages of each channel, for clients that reconnect with {@code ?since=<offset>}.
 * Offsets come from one counter for the whole hub, so a message sent to several channels has one
 * offset and a client in several of them gets it once. Each frame kept carries its offset as the
 * first payload key, {@code "_offset"}. A channel keeps at most {@code perChannel} messages, each
 * at most {@code ttl}; when a message newer than a client's offset has been pushed out or expired,
 * the client cannot catch up and is told {@code {"reset":true}}.
 *
 * <p>Not thread-safe: the {@link Hub} holds its lock around recording and catching up, so a message
 * is either in a catch-up or delivered live, never both and never neither.
 */
final class ChannelHistory {

  /** What a reconnecting client gets: the frames it missed, in order, or a reset. */
  record CatchUp(boolean reset, List<Entry> entries) {}

  /** One message kept. */
  record Entry(long offset, byte[] frame, long atNanos) {}

  private final int perChannel;
  private final Duration ttl;
  private final Map<String, Deque<Entry>> channels = new HashMap<>();
  private final Map<String, Long> lost = new HashMap<>();
  private long last;

  /**
   * @param perChannel messages kept per channel (at least 1)
   * @param ttl how long a message is kept, or null (until pushed out)
   */
  ChannelHistory(int perChannel, Duration ttl) {
    this.perChannel = perChannel;
    this.ttl = ttl;
  }

  /** Gives {@code payload} (a JSON object) the next offset, keeps it in {@code names}' channels. */
  Entry record(Collection<String> names, byte[] payload, long nowNanos) {
    long offset = ++last;
    Entry entry = new Entry(offset, withOffset(payload, offset), nowNanos);
    for (String channel : names) {
      Deque<Entry> kept = channels.computeIfAbsent(channel, c -> new ArrayDeque<>());
      kept.addLast(entry);
      while (kept.size() > perChannel) {
        lost.put(channel, kept.removeFirst().offset());
      }
    }
    return entry;
  }

  /** What a client that has seen up to {@code since} missed in {@code names}. */
  CatchUp since(Collection<String> names, long since, long nowNanos) {
    Map<Long, Entry> missed = new TreeMap<>();
    for (String channel : names) {
      expire(channel, nowNanos);
      if (lost.getOrDefault(channel, 0L) > since) {
        return new CatchUp(true, List.of());
      }
      for (Entry entry : channels.getOrDefault(channel, new ArrayDeque<>())) {
        if (entry.offset() > since) {
          missed.put(entry.offset(), entry);
        }
      }
    }
    List<Entry> entries = new ArrayList<>(missed.values());
    entries.sort(Comparator.comparingLong(Entry::offset));
    return new CatchUp(false, entries);
  }

  /** The last offset given. */
  long lastOffset() {
    return last;
  }

  private void expire(String channel, long nowNanos) {
    Deque<Entry> kept = channels.get(channel);
    if (ttl == null || kept == null) {
      return;
    }
    while (!kept.isEmpty() && nowNanos - kept.peekFirst().atNanos() > ttl.toNanos()) {
      lost.put(channel, kept.removeFirst().offset());
    }
  }

  /** {@code {"k":...}} as {@code {"_offset":N,"k":...}}. */
  static byte[] withOffset(byte[] payload, long offset) {
    String json = new String(payload, StandardCharsets.UTF_8);
    String head = "{\"_offset\":" + offset + (json.length() > 2 ? "," : "");
    return (head + json.substring(1)).getBytes(StandardCharsets.UTF_8);
  }
}
