package dev.edge.buffer;

/**
 * How much one {@link BodyBuffer} may hold, and what happens past it.
 *
 * @param kind a request body (over {@code maxBytes} in all fails the buffer) or a response body
 *     (over {@code maxBytes} held and not yet read pauses the writer)
 * @param memoryLimitBytes bytes kept in memory before further bytes go to the temp file
 * @param maxBytes for {@link Kind#REQUEST}, the most bytes the body may have; for {@link
 *     Kind#RESPONSE}, the most bytes held (appended, not yet read) before the buffer asks its
 *     writer to pause; it asks it to resume at half that
 */
public record BufferLimits(Kind kind, int memoryLimitBytes, long maxBytes) {

  /** The default memory part of a buffer: 64 KiB. */
  public static final int DEFAULT_MEMORY_LIMIT = 64 * 1024;

  /** Checks the values. */
  public BufferLimits {
    if (kind == null) {
      throw new IllegalArgumentException("kind is required");
    }
    if (memoryLimitBytes < 0) {
      throw new IllegalArgumentException("memoryLimitBytes must be >= 0: " + memoryLimitBytes);
    }
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be > 0: " + maxBytes);
    }
  }

  /** A request body of at most {@code maxBodyBytes}, the first 64 KiB in memory. */
  public static BufferLimits request(long maxBodyBytes) {
    return new BufferLimits(Kind.REQUEST, DEFAULT_MEMORY_LIMIT, maxBodyBytes);
  }

  /** A response body that pauses its writer past {@code maxHeldBytes} unread, 64 KiB in memory. */
  public static BufferLimits response(long maxHeldBytes) {
    return new BufferLimits(Kind.RESPONSE, DEFAULT_MEMORY_LIMIT, maxHeldBytes);
  }

  /** The same limits with another memory part. */
  public BufferLimits withMemoryLimit(int bytes) {
    return new BufferLimits(kind, bytes, maxBytes);
  }

  /**
   * Which side of an exchange a buffer holds; it names the temp file and sets the overflow rule.
   */
  public enum Kind {
    /** A client's request body: over the cap fails with {@code body_too_large}. */
    REQUEST("req-"),
    /** A worker's response body: over the cap pauses the writer. */
    RESPONSE("res-");

    private final String filePrefix;

    Kind(String filePrefix) {
      this.filePrefix = filePrefix;
    }

    /** The prefix of this kind's temp files. */
    public String filePrefix() {
      return filePrefix;
    }
  }
}
