package dev.edge.worker;

import java.util.ArrayList;
import java.util.List;

/**
 * The last lines a worker wrote, for the {@code logs} command and for failure reports.
 *
 * <p>Thread-safety: all methods are synchronized; lines are added by one pump thread per stream.
 */
public final class LogRing {

  private final String[] lines;
  private int next;
  private int size;

  /** Creates a ring that keeps the last {@code capacity} lines. */
  public LogRing(int capacity) {
    this.lines = new String[capacity];
  }

  /** Appends one line, dropping the oldest when full. */
  public synchronized void add(String line) {
    lines[next] = line;
    next = (next + 1) % lines.length;
    size = Math.min(size + 1, lines.length);
  }

  /** The last {@code count} lines, oldest first. */
  public synchronized List<String> tail(int count) {
    int n = Math.min(count, size);
    List<String> out = new ArrayList<>(n);
    for (int i = n; i > 0; i--) {
      out.add(lines[Math.floorMod(next - i, lines.length)]);
    }
    return out;
  }
}
