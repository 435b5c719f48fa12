package dev.edge.config;

import java.time.Duration;

/**
 * How the edge gives memory back to the system once it is idle (see {@code
 * docs/edge/OPERATIONS.md}, "Memory").
 *
 * @param releaseIdle how long the edge must be idle (no request finished, almost no CPU used)
 *     before it shrinks its heap and trims malloc's free memory, once per busy-to-idle change
 *     ({@code --memory-release-idle-ms}); {@link Duration#ZERO} = never
 */
public record Memory(Duration releaseIdle) {

  /** Whether idle release is on. */
  public boolean releaseEnabled() {
    return !releaseIdle.isZero();
  }
}
