package dev.edge.runtime;

/** A reload step failed; the message says what and why. Stackless: an expected outcome. */
final class StageFailure extends Exception {

  private static final long serialVersionUID = 1L;

  private final String reason;

  StageFailure(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** The stable reason code, e.g. {@code stage_failed}. */
  String reason() {
    return reason;
  }
}
