package dev.edge.runtime;

import dev.edge.runtime.ReloadAttempt.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A reload attempt in progress: what is known when it starts, and one method per way it can end.
 *
 * @param id the attempt's number
 * @param trigger what started it
 * @param oldVersion the version active when it started
 * @param at when it started
 */
record Outcome(long id, String trigger, String oldVersion, Instant at) {

  ReloadAttempt applied(String version, List<String> started, List<String> retired) {
    return end(Result.APPLIED, version, null, null, started, retired);
  }

  ReloadAttempt unchanged(String version) {
    return end(Result.UNCHANGED, version, null, null, List.of(), List.of());
  }

  ReloadAttempt rejected(String version, String reason, String detail) {
    return end(Result.REJECTED, version, reason, detail, List.of(), List.of());
  }

  ReloadAttempt rolledBack(String version, String detail, List<String> started) {
    return end(Result.ROLLED_BACK, version, "verify_failed", detail, started, List.of());
  }

  private ReloadAttempt end(
      Result result,
      String version,
      String reason,
      String detail,
      List<String> started,
      List<String> retired) {
    return new ReloadAttempt(
        id,
        trigger,
        result,
        oldVersion,
        version,
        reason,
        detail,
        List.of(),
        started,
        retired,
        at,
        Duration.between(at, Instant.now()).toMillis());
  }
}
