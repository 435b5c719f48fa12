package dev.edge.proxy;

import reactor.core.publisher.Mono;

/**
 * What differs between forwarding one request to an app's workers ({@link WorkerRequest}) and to
 * external upstreams ({@link ProxyRequest}): how a target is chosen and given back, how one
 * exchange with it is carried out, and what a failure is called. {@link AttemptLoop} runs the tries
 * and decides what a failure means; one strategy object serves one request.
 *
 * @param <T> one try's hold on its target: a worker's lease, or an upstream try
 */
interface ForwardingStrategy<T> {

  /**
   * A target free right now, taken for one try, or null when none is ({@link #await} then).
   *
   * @param failed the previous try's target, which the request moves away from, or null
   */
  T take(T failed);

  /**
   * A target once one is free (the request may wait, or be refused with an {@code EdgeException}),
   * or null when none is left to try: then the request gives up.
   */
  Mono<T> await(T failed);

  /**
   * One try on {@code target}: send the request, relay the answer. The target is given back when
   * the try ends. A failure before anything reached the client goes through {@link
   * AttemptLoop#classify} on its way out; one after that is passed on as it is.
   */
  Mono<Void> exchange(T target, AttemptLoop<T> loop);

  /**
   * Notes a failed try on its target (its health, the log, taking it out of routing) and returns
   * what the client may be told of it. A target the request moves on from ({@link
   * AttemptLoop.Failure#UNREACHABLE}, {@link AttemptLoop.Failure#RESENT}) is given back by the time
   * the failure reaches the loop, so the next try never finds it still taken.
   *
   * @param answered whether the target's response head had arrived (a response held back whole
   *     until its body is in; nothing of it reached the client)
   */
  String failed(T target, AttemptLoop.Failure failure, Throwable error, boolean answered);

  /** What the client is told when no target could be reached. */
  String noneReached();
}
