package dev.edge.statics;

import io.netty.handler.codec.DateFormatter;
import java.nio.file.Path;
import java.util.Date;

/**
 * A regular file found to be served, with what its response headers are made of.
 *
 * @param path its real path (absolute, no symlinks), to send from
 * @param name the name it is served as (the requested name, the index or the SPA file), which fixes
 *     its content type
 * @param size its length in bytes
 * @param modifiedNanos its modification time, nanoseconds since the epoch
 */
record StaticFile(Path path, String name, long size, long modifiedNanos) {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /**
   * A strong entity tag: the quoted hex of the size and the modification time in nanoseconds, so a
   * rewrite of the same length within the same second still changes it (where the file system keeps
   * sub-second times). Identical deploys on several servers get the same tag as long as they keep
   * modification times (rsync -t, tar).
   */
  String etag() {
    return '"' + Long.toHexString(size) + '-' + Long.toHexString(modifiedNanos) + '"';
  }

  /** The modification time in whole seconds, the precision of HTTP dates. */
  long modifiedSeconds() {
    return Math.floorDiv(modifiedNanos, NANOS_PER_SECOND);
  }

  /** The {@code Last-Modified} value (IMF-fixdate). */
  String lastModified() {
    return DateFormatter.format(new Date(modifiedSeconds() * 1000));
  }

  /** The {@code Content-Type} value. */
  String contentType() {
    return ContentTypes.of(name);
  }
}
