package dev.edge.sdk;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the JSON an app answers a realtime event with (or posts to the edge's {@code /publish}):
 * one object, or an array of objects the edge applies in order.
 *
 * <pre>{@code
 * String json = RealtimeReply.create()
 *     .to("/lobby").exclude(sender).put("from", sender).put("text", text)
 *     .and()
 *     .subscribe("/news")
 *     .toJson();
 * // [{"@":["/lobby"],">":["<sender>"],"from":"<sender>","text":"..."},{"+":["/news"]}]
 * }</pre>
 *
 * <p>Each item's instruction keys come first, in the order {@code @ + - > *}, then its payload keys
 * in the order they were put. A reply with one item is written as an object, one with several as an
 * array. Payload values may be strings, numbers (finite), booleans, {@code null}, maps (keys
 * written with {@code String.valueOf}) and collections of those, nested to any depth.
 *
 * <p>Not thread-safe: build a reply on one thread.
 */
public final class RealtimeReply {

  /** Target list: channels (names starting with {@code /}) and client ids. */
  public static final String TARGETS = "@";

  /** Channels the targets join. */
  public static final String SUBSCRIBE = "+";

  /** Channels the targets leave (applied after {@link #SUBSCRIBE}). */
  public static final String UNSUBSCRIBE = "-";

  /** Client ids excluded from delivery. */
  public static final String EXCLUDE = ">";

  /** Reason the targeted clients are closed with. */
  public static final String CLOSE = "*";

  private static final Set<String> INSTRUCTIONS =
      Set.of(TARGETS, SUBSCRIBE, UNSUBSCRIBE, EXCLUDE, CLOSE);

  private final List<Item> items = new ArrayList<>();
  private Item current = new Item();

  private RealtimeReply() {
    items.add(current);
  }

  /** An empty reply: one item with nothing in it. */
  public static RealtimeReply create() {
    return new RealtimeReply();
  }

  /**
   * Adds targets of this item: channels ({@code /name}) and client ids; without any, the item
   * applies to the sender of the event.
   */
  public RealtimeReply to(String... targets) {
    current.targets.addAll(names(targets, false));
    return this;
  }

  /** Adds channels the targets join. Each must start with {@code /}. */
  public RealtimeReply subscribe(String... channels) {
    current.subscribe.addAll(names(channels, true));
    return this;
  }

  /** Adds channels the targets leave. Each must start with {@code /}. */
  public RealtimeReply unsubscribe(String... channels) {
    current.unsubscribe.addAll(names(channels, true));
    return this;
  }

  /** Adds client ids that receive nothing from this item, even if a target includes them. */
  public RealtimeReply exclude(String... clientIds) {
    current.exclude.addAll(names(clientIds, false));
    return this;
  }

  /** Closes the targeted clients with {@code reason} (after this item's payload is delivered). */
  public RealtimeReply close(String reason) {
    if (reason == null) {
      throw new IllegalArgumentException("close reason: expected a string, got null");
    }
    current.close = reason;
    return this;
  }

  /**
   * Puts a payload key: all of an item's payload keys go to its recipients as one JSON text frame.
   * Putting a key again replaces its value (keeping its position).
   *
   * @throws IllegalArgumentException if {@code key} is an instruction key or the value is not a
   *     JSON value
   */
  public RealtimeReply put(String key, Object value) {
    if (key == null || INSTRUCTIONS.contains(key)) {
      throw new IllegalArgumentException(
          "payload key: " + key + " (expected a key other than @ + - > *)");
    }
    check(value);
    current.payload.put(key, value);
    return this;
  }

  /** Starts the next item; the items are applied in order. An empty item is not written. */
  public RealtimeReply and() {
    if (!current.isEmpty()) {
      current = new Item();
      items.add(current);
    }
    return this;
  }

  /** True if no item has anything in it: the app can answer {@code 204} instead. */
  public boolean isEmpty() {
    return items.stream().allMatch(Item::isEmpty);
  }

  /** The reply as JSON: an object for one item, an array for several, {@code {}} if empty. */
  public String toJson() {
    List<Item> written = items.stream().filter(item -> !item.isEmpty()).toList();
    StringBuilder out = new StringBuilder();
    if (written.size() == 1) {
      written.get(0).write(out);
      return out.toString();
    }
    if (written.isEmpty()) {
      return "{}";
    }
    out.append('[');
    for (int i = 0; i < written.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      written.get(i).write(out);
    }
    return out.append(']').toString();
  }

  @Override
  public String toString() {
    return toJson();
  }

  /**
   * Writes {@code value} as a JSON string literal, quotes included: {@code "} and {@code \} are
   * escaped, control characters as two-character escapes ({@code \n}, {@code \t}...) or
   * six-character ones (backslash, {@code u00XX}), unpaired surrogates as six-character escapes
   * too; every other character (all of Unicode) as is.
   */
  public static void quote(String value, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || unpaired(value, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean unpaired(String value, int i) {
    char c = value.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(value.charAt(i - 1));
    }
    return false;
  }

  private static List<String> names(String[] names, boolean channels) {
    List<String> checked = new ArrayList<>(names.length);
    for (String name : names) {
      if (name == null || name.isEmpty() || (channels && !name.startsWith("/"))) {
        throw new IllegalArgumentException(
            (channels ? "channel: " : "target: ")
                + name
                + (channels ? " (expected a name starting with /)" : " (expected a name)"));
      }
      checked.add(name);
    }
    return checked;
  }

  private static void check(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return;
    }
    if (value instanceof Number number) {
      if (number instanceof Double || number instanceof Float) {
        double d = number.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new IllegalArgumentException("payload value: " + d + " (expected a finite number)");
        }
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.values().forEach(RealtimeReply::check);
      return;
    }
    if (value instanceof Collection<?> list) {
      list.forEach(RealtimeReply::check);
      return;
    }
    throw new IllegalArgumentException(
        "payload value of type "
            + value.getClass().getName()
            + " (expected a string, number, boolean, null, map or collection)");
  }

  private static void write(Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      quote(s, out);
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        quote(String.valueOf(entry.getKey()), out);
        out.append(':');
        write(entry.getValue(), out);
      }
      out.append('}');
    } else {
      out.append('[');
      boolean first = true;
      for (Object element : (Collection<?>) value) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(element, out);
      }
      out.append(']');
    }
  }

  /** One instruction object of the reply. */
  private static final class Item {
    private final List<String> targets = new ArrayList<>();
    private final List<String> subscribe = new ArrayList<>();
    private final List<String> unsubscribe = new ArrayList<>();
    private final List<String> exclude = new ArrayList<>();
    private final Map<String, Object> payload = new LinkedHashMap<>();
    private String close;

    boolean isEmpty() {
      return targets.isEmpty()
          && subscribe.isEmpty()
          && unsubscribe.isEmpty()
          && exclude.isEmpty()
          && close == null
          && payload.isEmpty();
    }

    void write(StringBuilder out) {
      Map<String, Object> fields = new LinkedHashMap<>();
      putIfAny(fields, TARGETS, targets);
      putIfAny(fields, SUBSCRIBE, subscribe);
      putIfAny(fields, UNSUBSCRIBE, unsubscribe);
      putIfAny(fields, EXCLUDE, exclude);
      if (close != null) {
        fields.put(CLOSE, close);
      }
      fields.putAll(payload);
      RealtimeReply.write(fields, out);
    }

    private static void putIfAny(Map<String, Object> fields, String key, List<String> names) {
      if (!names.isEmpty()) {
        fields.put(key, names);
      }
    }
  }
}
