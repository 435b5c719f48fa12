package dev.edge.statics;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.edgefile.RouteAction;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-system half of serving a static request: real paths, containment, attributes, index and
 * SPA fallback. Every method blocks on the file system, so it runs on the file-I/O scheduler, never
 * on an event loop. Error details name the request path only, never a file-system path; those go to
 * the log.
 */
final class FileLookup {

  private static final Logger LOG = LoggerFactory.getLogger("edge.static");

  /** The index file when the route names none. */
  static final String DEFAULT_INDEX = "index.html";

  /** What a request path comes to. */
  sealed interface Outcome {}

  /** Serve this file. */
  record Serve(StaticFile file) implements Outcome {}

  /** The path names a directory but lacks the trailing slash: redirect to add it. */
  record AddSlash() implements Outcome {}

  private FileLookup() {}

  /**
   * Finds what {@code path} names under {@code target.dir()}.
   *
   * @param shown the request path as it may appear in error details
   * @throws EdgeException {@code not_found} when nothing servable is there (missing, outside the
   *     root through a symlink, a dotfile by its real path, not a regular file), {@code forbidden}
   *     when it exists but cannot be read, {@code internal_error} when the root itself is unusable
   */
  static Outcome find(RouteAction.Static target, SafePath path, String shown) {
    Path realRoot = realRoot(target.dir(), shown);
    Path real = realPath(resolve(target.dir(), path.segments(), shown), shown);
    if (real == null) {
      return fallback(target, realRoot, path, shown);
    }
    if (!SafePaths.contains(realRoot, real)) {
      LOG.debug("static request {} leads outside the root, to {}", shown, real);
      throw notFound(shown);
    }
    BasicFileAttributes attributes = attributes(real, shown);
    if (attributes == null) {
      return fallback(target, realRoot, path, shown);
    }
    if (attributes.isDirectory()) {
      if (!path.trailingSlash()) {
        return new AddSlash();
      }
      String index = target.index() == null ? DEFAULT_INDEX : target.index();
      StaticFile file = regularFile(realRoot, resolve(real, split(index), shown), index, shown);
      return file != null ? new Serve(file) : fallback(target, realRoot, path, shown);
    }
    if (attributes.isRegularFile()) {
      if (path.trailingSlash()) {
        return fallback(target, realRoot, path, shown);
      }
      List<String> segments = path.segments();
      String name =
          segments.isEmpty()
              ? String.valueOf(real.getFileName())
              : segments.get(segments.size() - 1);
      return new Serve(readable(real, name, attributes, shown));
    }
    throw notFound(shown); // a FIFO, socket or device: never opened, a FIFO would hang the read
  }

  /**
   * The SPA file for a path that names no file and whose last segment has no extension; otherwise
   * {@code 404}.
   */
  private static Outcome fallback(
      RouteAction.Static target, Path realRoot, SafePath path, String shown) {
    if (target.spa() == null || path.lastSegmentHasExtension()) {
      throw notFound(shown);
    }
    List<String> spa = split(target.spa());
    StaticFile file =
        regularFile(realRoot, resolve(target.dir(), spa, shown), spa.get(spa.size() - 1), shown);
    if (file == null) {
      LOG.warn("the SPA file {} of the static route at {} is missing", target.spa(), target.dir());
      throw notFound(shown);
    }
    return new Serve(file);
  }

  /** A readable regular file inside the root at {@code candidate}, or null. */
  private static StaticFile regularFile(Path realRoot, Path candidate, String name, String shown) {
    Path real = realPath(candidate, shown);
    if (real == null || !SafePaths.contains(realRoot, real)) {
      return null;
    }
    BasicFileAttributes attributes = attributes(real, shown);
    if (attributes == null || !attributes.isRegularFile()) {
      return null;
    }
    return readable(real, name, attributes, shown);
  }

  private static StaticFile readable(
      Path real, String name, BasicFileAttributes attributes, String shown) {
    if (!Files.isReadable(real)) {
      throw new EdgeException(Reason.FORBIDDEN, "cannot read " + shown);
    }
    return new StaticFile(
        real, name, attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
  }

  private static Path realRoot(Path dir, String shown) {
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      LOG.warn("the static directory {} cannot be used: {}", dir, e.toString());
      throw new EdgeException(
          Reason.INTERNAL, "the static directory of the route for " + shown + " is unavailable");
    }
  }

  /** The real path of {@code candidate}, or null when there is nothing there. */
  private static Path realPath(Path candidate, String shown) {
    try {
      return candidate.toRealPath();
    } catch (NoSuchFileException e) {
      return null;
    } catch (AccessDeniedException e) {
      throw new EdgeException(Reason.FORBIDDEN, "cannot read " + shown);
    } catch (FileSystemException e) {
      return null; // not a directory on the way, a symlink loop, a name too long
    } catch (IOException e) {
      throw unexpected(candidate, shown, e);
    }
  }

  /** The attributes of {@code real} (not following a link swapped in since), or null if gone. */
  private static BasicFileAttributes attributes(Path real, String shown) {
    try {
      return Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw unexpected(real, shown, e);
    }
  }

  private static Path resolve(Path base, List<String> segments, String shown) {
    Path path = base;
    try {
      for (String segment : segments) {
        path = path.resolve(segment);
      }
    } catch (InvalidPathException e) {
      throw new EdgeException(Reason.BAD_PATH, shown + " is not a valid file name here");
    }
    return path;
  }

  /** A configured relative name ({@code index.html}, {@code app/index.html}) as segments. */
  private static List<String> split(String relative) {
    return List.of(relative.replaceAll("^/+|/+$", "").split("/+"));
  }

  private static EdgeException notFound(String shown) {
    return new EdgeException(Reason.NOT_FOUND, "no file at " + shown);
  }

  private static EdgeException unexpected(Path path, String shown, IOException e) {
    LOG.warn("static request {}: cannot read {}: {}", shown, path, e.toString());
    return new EdgeException(Reason.INTERNAL, "cannot read " + shown);
  }
}
