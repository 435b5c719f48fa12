package dev.edge.edgefile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/** A route's {@code headers:}: edits of the request and the response. */
final class HeaderSection {

  private static final String NAME_EXPECTED =
      "a header name (letters, digits and !#$%&'*+-.^_`|~), e.g. X-Frame-Options";
  private static final String VALUE_EXPECTED = "a header value without CR, LF or NUL";

  private HeaderSection() {}

  /** The edits under {@code node}; {@link HeaderRules#NONE} when absent; null when bad. */
  static HeaderRules read(Node node, String field, Problems problems) {
    if (node == null) {
      return HeaderRules.NONE;
    }
    int before = problems.count();
    Fields fields =
        Fields.read(
            node,
            field,
            List.of("request", "response"),
            "a mapping with request and/or response edits",
            problems);
    if (fields == null) {
      return null;
    }
    HeaderRules.Edits request = edits(fields.get("request"), fields.field("request"), problems);
    HeaderRules.Edits response = edits(fields.get("response"), fields.field("response"), problems);
    if (problems.count() > before) {
      return null;
    }
    HeaderRules rules = new HeaderRules(request, response);
    return rules.isEmpty() ? HeaderRules.NONE : rules;
  }

  private static HeaderRules.Edits edits(Node node, String field, Problems problems) {
    Fields fields =
        Fields.read(
            node,
            field,
            List.of("set", "remove"),
            "a mapping with set and/or remove, e.g. {set: {X-A: b}, remove: [X-B]}",
            problems);
    if (fields == null) {
      return HeaderRules.Edits.NONE;
    }
    Map<String, String> set = set(fields, problems);
    List<String> remove = remove(fields, problems);
    return set.isEmpty() && remove.isEmpty()
        ? HeaderRules.Edits.NONE
        : new HeaderRules.Edits(set, remove);
  }

  private static Map<String, String> set(Fields parent, Problems problems) {
    Fields fields =
        Fields.read(
            parent.get("set"),
            parent.field("set"),
            null,
            "a mapping of header names to values, e.g. {X-Frame-Options: DENY}",
            problems);
    if (fields == null) {
      return Map.of();
    }
    Map<String, String> set = new LinkedHashMap<>();
    Map<String, Node> seen = new HashMap<>();
    for (Fields.Entry entry : fields.entries()) {
      String name = entry.name();
      String field = fields.field(name);
      if (!Values.isToken(name)) {
        problems.value(entry.key(), field, NAME_EXPECTED);
        continue;
      }
      Node first = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), entry.key());
      if (first != null) {
        problems.add(
            entry.key(),
            field,
            "header \"" + name + "\" is already set at line " + YamlTree.line(first),
            "header names are case-insensitive: keep one");
        continue;
      }
      String value = Values.string(entry.value(), field, VALUE_EXPECTED, problems);
      if (value != null
          && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0)) {
        problems.value(entry.value(), field, VALUE_EXPECTED);
      } else if (value != null) {
        set.put(name, value);
      }
    }
    return Collections.unmodifiableMap(set);
  }

  private static List<String> remove(Fields parent, Problems problems) {
    Node node = parent.get("remove");
    if (node == null) {
      return List.of();
    }
    String field = parent.field("remove");
    List<Node> items =
        Values.list(node, field, "a list of header names, e.g. [Server, X-Powered-By]", problems);
    if (items == null) {
      return List.of();
    }
    List<String> remove = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Node item = items.get(i);
      String name = Values.string(item, field + "[" + i + "]", NAME_EXPECTED, problems);
      if (name != null && !Values.isToken(name)) {
        problems.value(item, field + "[" + i + "]", NAME_EXPECTED);
      } else if (name != null) {
        remove.add(name);
      }
    }
    return List.copyOf(remove);
  }
}
