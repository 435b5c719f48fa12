package dev.edge.edgefile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping being read: its entries in declaration order, with duplicate keys and (for a
 * fixed set of keys) unknown keys already reported. Merge keys ({@code <<: *anchor}) are applied:
 * the merged entries fill in keys the mapping does not set itself.
 */
final class Fields {

  /** A key in an allowed-keys list that admits any {@code x-...} key (ignored, for anchors). */
  static final String EXTENSIONS = "x-*";

  private static final String EXTENSION_PREFIX = "x-";

  /** Merges of merges followed at most (a recursive merge would never end). */
  private static final int MAX_MERGES = 8;

  private final Node node;
  private final String path;
  private final Problems problems;
  private final Map<String, Entry> entries;

  private Fields(Node node, String path, Problems problems, Map<String, Entry> entries) {
    this.node = node;
    this.path = path;
    this.problems = problems;
    this.entries = entries;
  }

  /**
   * Reads {@code node} as a mapping. An empty value ({@code key:}) is an empty mapping; anything
   * that is not a mapping is reported as {@code value "..." (expected: <expected>)} and gives null.
   *
   * @param keys the keys allowed, or null when any key is (names checked by the caller)
   */
  static Fields read(
      Node node, String path, List<String> keys, String expected, Problems problems) {
    return read(node, path, keys, expected, problems, 0);
  }

  private static Fields read(
      Node node, String path, List<String> keys, String expected, Problems problems, int merges) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    if (node == null || YamlTree.isNull(node)) {
      return new Fields(node, path, problems, entries);
    }
    if (!(node instanceof MappingNode mapping)) {
      problems.value(node, path, expected);
      return null;
    }
    Fields fields = new Fields(node, path, problems, entries);
    List<MappingNode> merged = new ArrayList<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node key = tuple.getKeyNode();
      if (key.getTag().equals(Tag.MERGE)) {
        fields.collectMerge(tuple.getValueNode(), merged);
        continue;
      }
      if (!(key instanceof ScalarNode scalar)) {
        problems.add(key, path, "unknown key \"" + YamlTree.text(key) + "\"", "keys are names");
        continue;
      }
      String name = scalar.getValue();
      Entry first = entries.get(name);
      if (first != null) {
        problems.add(
            key,
            fields.field(name),
            "duplicate key \"" + name + "\" (first at line " + YamlTree.line(first.key()) + ")",
            "remove one of them");
        continue;
      }
      if (keys != null && !keys.contains(name) && !isExtension(name, keys)) {
        problems.add(
            key, fields.field(name), "unknown key \"" + name + "\"", Suggestions.hint(name, keys));
        continue;
      }
      entries.put(name, new Entry(name, key, tuple.getValueNode()));
    }
    for (MappingNode source : merged) {
      fields.fillFrom(source, keys, merges + 1);
    }
    return fields;
  }

  /** Whether {@code name} is an extension key ({@code x-...}) and {@code keys} allows them. */
  private static boolean isExtension(String name, List<String> keys) {
    return name.startsWith(EXTENSION_PREFIX) && keys.contains(EXTENSIONS);
  }

  private void collectMerge(Node value, List<MappingNode> merged) {
    if (value instanceof MappingNode mapping) {
      merged.add(mapping);
      return;
    }
    List<Node> items = YamlTree.items(value);
    if (items.isEmpty() || !items.stream().allMatch(MappingNode.class::isInstance)) {
      problems.value(
          value, path + ".<<", "a mapping or a list of mappings to merge, e.g. <<: *defaults");
      return;
    }
    items.forEach(item -> merged.add((MappingNode) item));
  }

  private void fillFrom(MappingNode source, List<String> keys, int merges) {
    if (merges > MAX_MERGES) {
      problems.add(source, path + ".<<", "merges nest more than " + MAX_MERGES + " deep", null);
      return;
    }
    Fields inner = read(source, path, keys, "a mapping", problems, merges);
    if (inner == null) {
      return;
    }
    for (Entry entry : inner.entries.values()) {
      entries.putIfAbsent(entry.name(), entry);
    }
  }

  /** The path of {@code key} in this mapping, e.g. {@code apps.api.workers}. */
  String field(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** This mapping's path. */
  String path() {
    return path;
  }

  /** The node to point at for problems about the mapping as a whole. */
  Node node() {
    return node;
  }

  /** The value of {@code key}, or null when absent. */
  Node get(String key) {
    Entry entry = entries.get(key);
    return entry == null ? null : entry.value();
  }

  /** The key node of {@code key}, or null when absent. */
  Node key(String key) {
    Entry entry = entries.get(key);
    return entry == null ? null : entry.key();
  }

  /** Whether {@code key} is set. */
  boolean has(String key) {
    return entries.containsKey(key);
  }

  /** Every entry, in declaration order (merged ones last). */
  List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  /** Reports a required key that is absent, at the start of this mapping. */
  void missing(String key, String hint) {
    if (node == null) {
      problems.add(1, 1, field(key), "missing", hint);
    } else {
      problems.add(node, field(key), "missing", hint);
    }
  }

  /**
   * One key and its value.
   *
   * @param name the key
   * @param key the key's node
   * @param value the value's node
   */
  record Entry(String name, Node key, Node value) {}
}
