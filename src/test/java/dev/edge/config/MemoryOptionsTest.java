package dev.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryOptionsTest {

  private static Memory parse(Map<String, String> values) {
    return new OptionsParser(values::get, List.of()).parse().memory();
  }

  @Test
  void releasesAfterTenIdleSecondsByDefault() {
    assertThat(parse(Map.of())).isEqualTo(new Memory(Duration.ofSeconds(10)));
    assertThat(parse(Map.of()).releaseEnabled()).isTrue();
  }

  @Test
  void zeroTurnsTheReleaseOff() {
    Memory off = parse(Map.of("memory-release-idle-ms", "0"));
    assertThat(off.releaseIdle()).isEqualTo(Duration.ZERO);
    assertThat(off.releaseEnabled()).isFalse();
    assertThat(parse(Map.of("memory-release-idle-ms", "1000")).releaseIdle())
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void rejectsIntervalsTooShortOrNotNumbers() {
    String expected = "(expected: 0 (never release) or milliseconds 1000-3600000 of idleness)";
    assertThatThrownBy(() -> parse(Map.of("memory-release-idle-ms", "500")))
        .isInstanceOf(OptionException.class)
        .hasMessage("--memory-release-idle-ms: \"500\" is not valid " + expected);
    assertThatThrownBy(() -> parse(Map.of("memory-release-idle-ms", "soon")))
        .isInstanceOf(OptionException.class)
        .hasMessage("--memory-release-idle-ms: \"soon\" is not valid " + expected);
    assertThatThrownBy(() -> parse(Map.of("memory-release-idle-ms", "3600001")))
        .isInstanceOf(OptionException.class)
        .hasMessage("--memory-release-idle-ms: \"3600001\" is not valid " + expected);
  }
}
