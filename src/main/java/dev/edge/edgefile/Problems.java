package dev.edge.edgefile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/** Collects the problems of one Edgefile as they are found; every section adds to it. */
final class Problems {

  private final List<Problem> found = new ArrayList<>();

  /** A problem at the start of {@code at}. */
  void add(Node at, String field, String message, String hint) {
    add(YamlTree.line(at), YamlTree.column(at), field, message, hint);
  }

  /** A problem at a 1-based line and column. */
  void add(int line, int column, String field, String message, String hint) {
    found.add(new Problem(line, column, field, message, hint));
  }

  /** {@code value "<as written>" (expected: <expected>)} at {@code node}. */
  void value(Node node, String field, String expected) {
    value(node, field, expected, null);
  }

  /** {@code value "<as written>" (expected: <expected>)} at {@code node}, with a hint. */
  void value(Node node, String field, String expected, String hint) {
    add(node, field, "value \"" + YamlTree.text(node) + "\" (expected: " + expected + ")", hint);
  }

  /** How many problems were found so far. */
  int count() {
    return found.size();
  }

  /** Every problem, by line then column (in the order found when they share a position). */
  List<Problem> sorted() {
    return found.stream()
        .sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column))
        .toList();
  }
}
