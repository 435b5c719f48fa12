package dev.edge.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every corpus case through the guard's handlers and Netty's codec alone: all but the path rules
 * (byte-level ones, and Host rules checked on the decoded request before Reactor Netty parses Host)
 * are refused with their expected status and reason before the app sees anything and the connection
 * closes; path cases, which {@code check()} refuses, pass the handlers.
 */
class CorpusScanTest {

  private static final Set<String> IN_HANDLERS =
      Set.of(
          "bad_framing",
          "bad_header",
          "bad_host",
          "uri_too_long",
          "headers_too_large",
          "body_too_large");

  static List<GuardCorpus.Case> cases() {
    return GuardCorpus.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void byteLevelCasesAreRefusedBeforeTheAppAndTheRestPass(GuardCorpus.Case c) {
    GuardedChannel ch = new GuardedChannel(GuardLimits.defaults()).send(c.request());
    List<GuardedChannel.Response> responses = ch.responses();
    if (IN_HANDLERS.contains(c.reason())) {
      assertThat(ch.seen).as("requests the app saw").isEmpty();
      assertThat(responses).hasSize(1);
      assertThat(responses.get(0).status()).isEqualTo(c.status());
      assertThat(responses.get(0).reason()).isEqualTo(c.reason());
      assertThat(responses.get(0).headers()).containsEntry("connection", "close");
      assertThat(ch.channel.isOpen()).as("connection open").isFalse();
    } else {
      assertThat(ch.seen).as("requests the app saw").hasSize(1);
      assertThat(responses).extracting(GuardedChannel.Response::status).containsExactly(200);
    }
  }

  @org.junit.jupiter.api.Test
  void theCorpusHasAtLeastSixtyCasesWithDistinctNumbers() {
    List<GuardCorpus.Case> all = GuardCorpus.all();
    assertThat(all).hasSizeGreaterThanOrEqualTo(60);
    assertThat(all.stream().map(c -> c.name().substring(0, 3)).distinct()).hasSize(all.size());
  }
}
