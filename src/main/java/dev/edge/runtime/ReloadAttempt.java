package dev.edge.runtime;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of one reload attempt, as events and {@code /status} report it.
 *
 * @param id the attempt's number since the edge started
 * @param trigger what started it: {@code file_change}, {@code sighup} or {@code control}
 * @param result what happened
 * @param oldVersion the version active before the attempt
 * @param newVersion the version of the file read, or null when it could not be read
 * @param reason a stable code for a failure ({@code invalid_config}, {@code unreadable}, {@code
 *     stage_failed}, {@code verify_failed}), or null
 * @param detail a human explanation of a failure, or null
 * @param problems the Edgefile's problems, one formatted line each (for {@code invalid_config})
 * @param started apps whose workers this attempt started (new or changed)
 * @param retired apps removed or replaced, drained after activation
 * @param at when the attempt started
 * @param durationMs how long it took
 */
public record ReloadAttempt(
    long id,
    String trigger,
    Result result,
    String oldVersion,
    String newVersion,
    String reason,
    String detail,
    List<String> problems,
    List<String> started,
    List<String> retired,
    Instant at,
    long durationMs) {

  /** This attempt with the Edgefile's problems attached. */
  ReloadAttempt withProblems(List<String> lines) {
    return new ReloadAttempt(
        id,
        trigger,
        result,
        oldVersion,
        newVersion,
        reason,
        detail,
        List.copyOf(lines),
        started,
        retired,
        at,
        durationMs);
  }

  /** What a reload attempt did. */
  public enum Result {
    /** The new config is active. */
    APPLIED,
    /** The file is byte-identical to the active config: nothing to do. */
    UNCHANGED,
    /** The file was invalid or its apps could not be staged; the previous config keeps serving. */
    REJECTED,
    /** The new config was activated, failed verification, and the previous one is back. */
    ROLLED_BACK;

    /** The lower-case name used in JSON and events. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
