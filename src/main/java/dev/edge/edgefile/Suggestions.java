package dev.edge.edgefile;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean" hints: the nearest known word by edit distance or case. */
final class Suggestions {

  private Suggestions() {}

  /**
   * The candidate {@code word} most likely meant: one equal ignoring case, else the nearest within
   * an edit distance of 2 and shorter than the word itself, so a one-letter word never suggests a
   * different short one (ties go to the first); null when none is close.
   */
  static String nearest(String word, Collection<String> candidates) {
    for (String candidate : candidates) {
      if (candidate.equalsIgnoreCase(word)) {
        return candidate;
      }
    }
    String best = null;
    int bestDistance = 3;
    String lower = word.toLowerCase(Locale.ROOT);
    for (String candidate : candidates) {
      int distance = distance(lower, candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance && distance < word.length()) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** {@code did you mean "x"?} for the nearest candidate, else {@code expected one of: a, b}. */
  static String hint(String word, Collection<String> candidates) {
    String nearest = nearest(word, candidates);
    return nearest != null
        ? didYouMean(nearest)
        : "expected one of: " + String.join(", ", candidates);
  }

  /** {@code did you mean "x"?}. */
  static String didYouMean(String value) {
    return "did you mean \"" + value + "\"?";
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
