package dev.edge.observe;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One lifecycle event as the event log keeps it: its sequence number, when it was emitted, its name
 * and its fields in the order they were given.
 *
 * @param seq its number in the event log (1, 2, 3, ... with no gaps)
 * @param at when it was emitted
 * @param event its name, e.g. {@code worker_exit}
 * @param fields its fields, in order; values may be null
 */
public record LoggedEvent(long seq, Instant at, String event, Map<String, Object> fields) {

  /** Builds one from alternating names and values. */
  static LoggedEvent of(long seq, Instant at, String event, Object... fields) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < fields.length; i += 2) {
      map.put(String.valueOf(fields[i]), fields[i + 1]);
    }
    return new LoggedEvent(seq, at, event, java.util.Collections.unmodifiableMap(map));
  }

  /** {@code {"seq":N,"t":"<ISO-8601>","event":"...", <fields>}}: the JSON log line and the API. */
  public Map<String, Object> document() {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("seq", seq);
    line.put("t", at.toString());
    line.put("event", event);
    line.putAll(fields);
    return line;
  }
}
