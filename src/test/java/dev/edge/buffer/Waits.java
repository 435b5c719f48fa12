package dev.edge.buffer;

import java.util.function.BooleanSupplier;

/** Polls a condition that some other thread (the loop, an I/O thread) makes true. */
final class Waits {

  private Waits() {}

  static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what, e);
      }
    }
  }
}
