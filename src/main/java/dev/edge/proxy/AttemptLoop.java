package dev.edge.proxy;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.timeout.ReadTimeoutException;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The tries of one forwarded request, to an app's workers or to external upstreams: the one place
 * that numbers the tries, decides what a failed try means, and gives up. What differs between
 * workers and upstreams (choosing and giving back a target, carrying out one exchange, what
 * failures are called) is the request's {@link ForwardingStrategy}.
 *
 * <p>A failure before anything reached the client means, in this order:
 *
 * <ol>
 *   <li>an {@link EdgeException} (a refusal of the edge's own): the request's answer as it is;
 *   <li>nothing was sent (the target could not be reached): {@link Failure#UNREACHABLE}, the
 *       request moves on to another target;
 *   <li>no response headers within the read timeout: {@link Failure#TIMED_OUT}, {@code 504
 *       upstream_timeout}, never resent;
 *   <li>the request was sent, it is bodyless and its method is safe (GET, HEAD, OPTIONS), and it
 *       was not resent before: {@link Failure#RESENT}, sent once more to another target, as nginx's
 *       {@code proxy_next_upstream error} does; once only, so a request that kills its targets
 *       takes at most two with it;
 *   <li>otherwise {@link Failure#FAILED}: {@code 502} with the strategy's {@link Reasons#failed()}.
 * </ol>
 *
 * <p>Giving up: after {@code maxAttempts} tries, or when the strategy has no target left, the
 * request fails with {@link Reasons#failed()} and the detail of the try that failed after sending,
 * when one decides (see {@link Reasons#lastTryDecides()}), else with {@link Reasons#unavailable()}.
 *
 * <p>Thread-safety: one loop per request; its tries run one after another, each started by the
 * previous one's failure, so the signals between them order its fields.
 */
final class AttemptLoop<T> {

  /** Methods that are safe to send again when a target failed before answering. */
  static final Set<HttpMethod> SAFE_METHODS =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  /** Workers answer {@code 503 worker_unavailable} and {@code 502 worker_failed}. */
  static final Reasons WORKERS = new Reasons(Reason.WORKER_UNAVAILABLE, Reason.WORKER_FAILED, true);

  /** Upstreams answer {@code 502 upstream_unavailable} and {@code 502 upstream_failed}. */
  static final Reasons UPSTREAMS =
      new Reasons(Reason.UPSTREAM_UNAVAILABLE, Reason.UPSTREAM_FAILED, false);

  private final ForwardingStrategy<T> strategy;
  private final Reasons reasons;
  private final int maxAttempts;
  private int attempts = 1;
  private volatile boolean mayResend;

  /** The try that failed after sending and decides how the request gives up, or null. */
  private Retry failedAfterSend;

  /**
   * A loop of at most {@code maxAttempts} tries for a request with {@code method}; {@code hasBody}
   * rules out the resend.
   */
  AttemptLoop(
      ForwardingStrategy<T> strategy,
      Reasons reasons,
      int maxAttempts,
      HttpMethod method,
      boolean hasBody) {
    this.strategy = strategy;
    this.reasons = reasons;
    this.maxAttempts = maxAttempts;
    this.mayResend = !hasBody && SAFE_METHODS.contains(method);
  }

  /** Runs the first try now; later ones follow its failures. */
  Mono<Void> start() {
    return attempt(null);
  }

  /**
   * Turns the failure of a try on {@code target}, before anything reached the client, into a retry
   * (caught by the loop) or the request's answer.
   *
   * @param sent whether anything may have reached the target
   * @param answered whether the target's response head had arrived
   */
  Throwable classify(Throwable error, T target, boolean sent, boolean answered) {
    if (error instanceof EdgeException) {
      return error;
    }
    if (!sent) {
      return new Retry(
          target, strategy.failed(target, Failure.UNREACHABLE, error, answered), error, false);
    }
    if (timedOut(error)) {
      return new EdgeException(
          Reason.UPSTREAM_TIMEOUT, strategy.failed(target, Failure.TIMED_OUT, error, answered));
    }
    if (mayResend) {
      mayResend = false;
      return new Retry(
          target, strategy.failed(target, Failure.RESENT, error, answered), error, true);
    }
    return new EdgeException(
        reasons.failed(), strategy.failed(target, Failure.FAILED, error, answered));
  }

  /** Whether {@code error} is a target's silence past the read (or WebSocket handshake) timeout. */
  static boolean timedOut(Throwable error) {
    return ForwardedHeaders.causedBy(error, ReadTimeoutException.class)
        || ForwardedHeaders.causedBy(error, WebSocketRelay.HandshakeTimeoutException.class);
  }

  /** One try: a target free now, else one waited for; a {@link Retry} moves on to the next try. */
  private Mono<Void> attempt(T failed) {
    T now = strategy.take(failed);
    Mono<Void> tried;
    if (now != null) {
      tried = strategy.exchange(now, this);
    } else {
      Mono<T> later = strategy.await(failed);
      if (later == null) {
        return Mono.error(giveUp());
      }
      tried = later.flatMap(this::exchange);
    }
    return tried.onErrorResume(Retry.class, this::next);
  }

  private Mono<Void> exchange(T target) {
    return strategy.exchange(target, this);
  }

  @SuppressWarnings("unchecked")
  private Mono<Void> next(Retry retry) {
    if (retry.sent) {
      failedAfterSend = retry;
    } else if (reasons.lastTryDecides()) {
      failedAfterSend = null;
    }
    if (attempts >= maxAttempts) {
      return Mono.error(giveUp());
    }
    attempts++;
    return attempt((T) retry.target);
  }

  private EdgeException giveUp() {
    Retry decisive = failedAfterSend;
    return decisive != null
        ? new EdgeException(reasons.failed(), decisive.getMessage())
        : new EdgeException(reasons.unavailable(), strategy.noneReached());
  }

  /** What a failed try means for its request. */
  enum Failure {
    /** Nothing was sent: the request moves on to another target. */
    UNREACHABLE,
    /** The target went silent past the read timeout: {@code 504}, never resent. */
    TIMED_OUT,
    /** The target failed after the request was sent; it is sent once more to another. */
    RESENT,
    /** The target failed after the request was sent: {@code 502}. */
    FAILED
  }

  /**
   * The answers of one kind of forwarding when it cannot get a response ({@code 504
   * upstream_timeout} is the same for all).
   *
   * @param unavailable no target could be reached
   * @param failed a target failed after the request was sent
   * @param lastTryDecides whether giving up reports {@code failed} only when the last try failed
   *     after sending (workers), rather than when any try did (upstreams)
   */
  record Reasons(Reason unavailable, Reason failed, boolean lastTryDecides) {}

  /** The request may go to another target: nothing was sent, or it is safe to send again. */
  private static final class Retry extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The failed try's target (a {@code T}: exceptions cannot be generic). */
    final Object target;

    final boolean sent;

    Retry(Object target, String detail, Throwable cause, boolean sent) {
      super(detail, cause, false, false);
      this.target = target;
      this.sent = sent;
    }
  }
}
