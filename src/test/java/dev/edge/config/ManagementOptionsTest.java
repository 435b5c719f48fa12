package dev.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManagementOptionsTest {

  private static Management parse(Map<String, String> values) {
    return new OptionsParser(values::get, List.of()).parse().management();
  }

  @Test
  void offUnlessAPortIsGiven() {
    assertThat(parse(Map.of())).isEqualTo(Management.OFF);
    assertThat(parse(Map.of()).enabled()).isFalse();
  }

  @Test
  void bindsLoopbackUnlessAnAddressIsGiven() {
    assertThat(parse(Map.of("management-port", "9090")))
        .isEqualTo(new Management(9090, "127.0.0.1"));
    assertThat(parse(Map.of("management-port", "0", "management-address", " 0.0.0.0 ")))
        .isEqualTo(new Management(0, "0.0.0.0"));
    assertThat(parse(Map.of("management-port", "0")).enabled()).isTrue();
  }

  @Test
  void aBadValueNamesTheOptionTheValueAndWhatWasExpected() {
    assertThatThrownBy(() -> parse(Map.of("management-port", "http")))
        .isInstanceOf(OptionException.class)
        .hasMessage(
            "--management-port: \"http\" is not valid (expected: a port 0-65535 (0 = any free"
                + " port))");
    assertThatThrownBy(() -> parse(Map.of("management-port", "70000")))
        .hasMessageStartingWith("--management-port: \"70000\" is not valid");
    assertThatThrownBy(() -> parse(Map.of("management-port", "1", "management-address", " ")))
        .hasMessage(
            "--management-address: \" \" is not valid (expected: an IP address or host name)");
    assertThatThrownBy(() -> parse(Map.of("management-address", "0.0.0.0")))
        .hasMessage(
            "--management-address: given without --management-port (expected: both, or"
                + " --management-port alone)");
  }

  @Test
  void bothOptionsAreKnownToTheCommandLine() {
    OptionsParser.rejectUnknown(
        new String[] {"--management-port=9090", "--management-address=127.0.0.1"});
  }
}
