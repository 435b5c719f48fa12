package dev.edge.edgefile;

import java.util.List;
import java.util.Map;

/**
 * A small JSON printer for maps, lists, strings, numbers, booleans and null: objects one key per
 * line, lists of scalars on one line, two-space indentation.
 */
final class JsonText {

  private JsonText() {}

  /** Appends {@code value} to {@code out}, continuation lines indented by {@code indent}. */
  static void write(Object value, String indent, StringBuilder out) {
    if (value instanceof Map<?, ?> map) {
      writeObject(map, indent, out);
    } else if (value instanceof List<?> list) {
      writeArray(list, indent, out);
    } else if (value instanceof String text) {
      quote(text, out);
    } else {
      out.append(value);
    }
  }

  private static void writeObject(Map<?, ?> map, String indent, StringBuilder out) {
    if (map.isEmpty()) {
      out.append("{}");
      return;
    }
    String inner = indent + "  ";
    out.append("{\n");
    int i = 0;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      out.append(inner);
      quote(String.valueOf(entry.getKey()), out);
      out.append(": ");
      write(entry.getValue(), inner, out);
      out.append(++i < map.size() ? ",\n" : "\n");
    }
    out.append(indent).append('}');
  }

  private static void writeArray(List<?> list, String indent, StringBuilder out) {
    if (list.isEmpty()) {
      out.append("[]");
      return;
    }
    boolean scalars = list.stream().noneMatch(v -> v instanceof Map || v instanceof List);
    if (scalars) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ", ");
        write(list.get(i), indent, out);
      }
      out.append(']');
      return;
    }
    String inner = indent + "  ";
    out.append("[\n");
    for (int i = 0; i < list.size(); i++) {
      out.append(inner);
      write(list.get(i), inner, out);
      out.append(i + 1 < list.size() ? ",\n" : "\n");
    }
    out.append(indent).append(']');
  }

  private static void quote(String text, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
