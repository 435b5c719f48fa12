package dev.edge.config;

/** A bad option: its message is the one line shown to the user before the edge exits with 2. */
public final class OptionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the error with the user-facing message. */
  public OptionException(String message) {
    super(message, null, false, false);
  }
}
