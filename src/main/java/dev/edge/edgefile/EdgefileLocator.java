package dev.edge.edgefile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the Edgefile to use: the one given, else {@code ./Edgefile}, else {@code
 * ./config/Edgefile}.
 */
public final class EdgefileLocator {

  /** Where the edge looks when no path is given, relative to the working directory, in order. */
  public static final List<Path> DEFAULT_LOCATIONS =
      List.of(Path.of("Edgefile"), Path.of("config", "Edgefile"));

  private EdgefileLocator() {}

  /**
   * The Edgefile to read: {@code explicit} (resolved against {@code cwd}) when it is non-null, else
   * the first of {@link #DEFAULT_LOCATIONS} under {@code cwd}; empty when that file does not exist
   * (an explicit path that does not exist is not replaced by a default one).
   */
  public static Optional<Path> find(Path cwd, Path explicit) {
    if (explicit != null) {
      return regularFile(cwd.resolve(explicit));
    }
    for (Path location : DEFAULT_LOCATIONS) {
      Optional<Path> found = regularFile(cwd.resolve(location));
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> regularFile(Path path) {
    return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
  }
}
