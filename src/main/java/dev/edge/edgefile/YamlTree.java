package dev.edge.edgefile;

import java.io.StringReader;
import java.util.List;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The YAML layer: composes text into a SnakeYAML node tree (every node knows where it starts) and
 * renders nodes back as the user wrote them, for messages.
 */
final class YamlTree {

  /** Longest rendering of a value in a message. */
  private static final int MAX_TEXT = 60;

  private YamlTree() {}

  /**
   * The node tree of {@code text}, or null for an empty document. A syntax error becomes one
   * problem at its mark (field {@code syntax}) and null.
   */
  static Node compose(String text, Problems problems) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(50);
    options.setAllowRecursiveKeys(false);
    try {
      return new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = mark == null ? 1 : mark.getLine() + 1;
      int column = mark == null ? 1 : mark.getColumn() + 1;
      String problem = oneLine(e.getProblem() != null ? e.getProblem() : e.getContext());
      String hint = null;
      if (problem.contains("\\t")) {
        hint = "indent with spaces, not tabs";
      } else if (e.getContext() != null && e.getProblem() != null) {
        if (problem.startsWith("but ")) {
          problem = oneLine(e.getContext()) + " " + problem;
        } else if (e.getContextMark() != null) {
          hint = oneLine(e.getContext()) + " started at line " + (e.getContextMark().getLine() + 1);
        }
      }
      problems.add(line, column, "syntax", "invalid YAML: " + problem, hint);
    } catch (YAMLException e) {
      problems.add(1, 1, "syntax", "invalid YAML: " + oneLine(e.getMessage()), null);
    }
    return null;
  }

  /** The 1-based line where {@code node} starts. */
  static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  /** The 1-based column where {@code node} starts. */
  static int column(Node node) {
    return node.getStartMark().getColumn() + 1;
  }

  /** Whether {@code node} is an empty or explicit null scalar ({@code key:}, {@code ~}). */
  static boolean isNull(Node node) {
    return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
  }

  /**
   * The scalar's text as written (without quotes), or a compact flow rendering of a list or
   * mapping, on one line and shortened to 60 characters.
   */
  static String text(Node node) {
    String text = render(node, 0);
    return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT - 1) + "\u2026" : text;
  }

  private static String render(Node node, int depth) {
    if (node instanceof ScalarNode scalar) {
      return oneLine(scalar.getValue());
    }
    if (depth > 3) {
      return "\u2026";
    }
    if (node instanceof SequenceNode sequence) {
      return sequence.getValue().stream()
          .map(item -> render(item, depth + 1))
          .collect(Collectors.joining(", ", "[", "]"));
    }
    if (node instanceof MappingNode mapping) {
      return mapping.getValue().stream()
          .map(t -> render(t.getKeyNode(), depth + 1) + ": " + render(t.getValueNode(), depth + 1))
          .collect(Collectors.joining(", ", "{", "}"));
    }
    return String.valueOf(node);
  }

  /** {@code text} with line breaks, tabs and other control characters escaped. */
  static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** The items of a sequence node (empty for anything else). */
  static List<Node> items(Node node) {
    return node instanceof SequenceNode sequence ? sequence.getValue() : List.of();
  }
}
