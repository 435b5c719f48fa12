package dev.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.proxy.AttemptLoop.Failure;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The tries of one request against a scripted strategy: reroute, resend once, timeout, give up. */
class AttemptLoopTest {

  @Test
  void anUnreachableTargetMovesTheRequestOnToTheNext() {
    Script script = new Script(unreached(), ok());

    run(script, AttemptLoop.WORKERS, 3, HttpMethod.GET, false);

    assertThat(script.taken).containsExactly("t1", "t2");
    assertThat(script.failures).containsExactly(Failure.UNREACHABLE);
  }

  @Test
  void aSafeBodylessRequestIsResentOnceThenFails() {
    Script script = new Script(broken(), broken());

    assertThatThrownBy(() -> run(script, AttemptLoop.UPSTREAMS, 3, HttpMethod.GET, false))
        .isInstanceOfSatisfying(
            EdgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UPSTREAM_FAILED))
        .hasMessage("t2 failed");
    assertThat(script.failures).containsExactly(Failure.RESENT, Failure.FAILED);
  }

  @Test
  void anUnsafeMethodOrABodyIsNeverResent() {
    Script post = new Script(broken(), ok());
    assertThatThrownBy(() -> run(post, AttemptLoop.WORKERS, 3, HttpMethod.POST, false))
        .isInstanceOfSatisfying(
            EdgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WORKER_FAILED));

    Script body = new Script(broken(), ok());
    assertThatThrownBy(() -> run(body, AttemptLoop.WORKERS, 3, HttpMethod.GET, true))
        .isInstanceOf(EdgeException.class);
    assertThat(body.taken).containsExactly("t1");
  }

  @Test
  void aTimeoutIsA504AndNeverResent() {
    Script script = new Script(timedOut(), ok());

    assertThatThrownBy(() -> run(script, AttemptLoop.WORKERS, 3, HttpMethod.GET, false))
        .isInstanceOfSatisfying(
            EdgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UPSTREAM_TIMEOUT));
    assertThat(script.failures).containsExactly(Failure.TIMED_OUT);
  }

  @Test
  void anEdgeRefusalStaysAsItIs() {
    EdgeException refusal = new EdgeException(Reason.QUEUE_FULL, "full");
    Script script = new Script(new Step(refusal, false), ok());

    assertThatThrownBy(() -> run(script, AttemptLoop.WORKERS, 3, HttpMethod.GET, false))
        .isSameAs(refusal);
    assertThat(script.failures).isEmpty();
  }

  @Test
  void givesUpAfterMaxAttemptsOrWhenNoTargetIsLeft() {
    Script workers = new Script(unreached(), unreached(), unreached(), ok());
    assertThatThrownBy(() -> run(workers, AttemptLoop.WORKERS, 3, HttpMethod.GET, false))
        .isInstanceOfSatisfying(
            EdgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WORKER_UNAVAILABLE))
        .hasMessage("none reached");
    assertThat(workers.taken).hasSize(3);

    Script upstreams = new Script(unreached());
    assertThatThrownBy(() -> run(upstreams, AttemptLoop.UPSTREAMS, 5, HttpMethod.GET, false))
        .isInstanceOfSatisfying(
            EdgeException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UPSTREAM_UNAVAILABLE));
  }

  @Test
  void whenGivingUpWorkersGoByTheLastTryUpstreamsByAnyTryThatFailedAfterSending() {
    Script workers = new Script(broken(), unreached(), unreached());
    assertThatThrownBy(() -> run(workers, AttemptLoop.WORKERS, 3, HttpMethod.GET, false))
        .isInstanceOfSatisfying(
            EdgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WORKER_UNAVAILABLE));

    Script upstreams = new Script(broken(), unreached());
    assertThatThrownBy(() -> run(upstreams, AttemptLoop.UPSTREAMS, 3, HttpMethod.GET, false))
        .isInstanceOfSatisfying(
            EdgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UPSTREAM_FAILED))
        .hasMessage("t1 failed");
  }

  private static void run(
      Script script, AttemptLoop.Reasons reasons, int max, HttpMethod method, boolean body) {
    new AttemptLoop<>(script, reasons, max, method, body).start().block();
  }

  private static Step ok() {
    return new Step(null, true);
  }

  private static Step unreached() {
    return new Step(new ConnectException("refused"), false);
  }

  private static Step broken() {
    return new Step(new IOException("reset"), true);
  }

  private static Step timedOut() {
    return new Step(ReadTimeoutException.INSTANCE, true);
  }

  /** One try's outcome: success when {@code error} is null. */
  private record Step(Throwable error, boolean sent) {}

  /** Targets t1, t2, ... one per step, each try ending as its step says; no waiting. */
  private static final class Script implements ForwardingStrategy<String> {
    final Deque<Step> steps;
    final List<String> taken = new ArrayList<>();
    final List<Failure> failures = new ArrayList<>();

    Script(Step... steps) {
      this.steps = new ArrayDeque<>(List.of(steps));
    }

    @Override
    public String take(String failed) {
      if (steps.isEmpty()) {
        return null;
      }
      String target = "t" + (taken.size() + 1);
      taken.add(target);
      return target;
    }

    @Override
    public Mono<String> await(String failed) {
      return null;
    }

    @Override
    public Mono<Void> exchange(String target, AttemptLoop<String> loop) {
      Step step = steps.poll();
      return step.error() == null
          ? Mono.empty()
          : Mono.<Void>error(step.error())
              .onErrorMap(e -> loop.classify(e, target, step.sent(), false));
    }

    @Override
    public String failed(String target, Failure failure, Throwable error, boolean answered) {
      failures.add(failure);
      return target + " failed";
    }

    @Override
    public String noneReached() {
      return "none reached";
    }
  }
}
