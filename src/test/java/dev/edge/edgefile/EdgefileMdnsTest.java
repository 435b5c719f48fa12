package dev.edge.edgefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code edge: {mdns: ...}}: read into {@link EdgeConfig#mdns()}, with the exact problems. */
class EdgefileMdnsTest {

  private static final String SITE =
      "sites:\n  web:\n    hosts: [shop.local]\n    routes: [{path: /*, static: .}]\n";

  private static EdgefileReader.Result read(String edge) {
    return EdgefileReader.parse(
        "version: 1\n" + edge + SITE, "Edgefile", Path.of("."), EdgefileGoldenTest.DEFAULTS);
  }

  private static List<String> problems(String edge) {
    EdgefileReader.Result result = read(edge);
    assertThat(result.config()).isNull();
    return result.problems().stream().map(p -> p.format("Edgefile")).toList();
  }

  @Test
  void mdnsIsOffUnlessTheEdgeBlockTurnsItOn() {
    assertThat(read("").config().mdns()).isFalse();
    assertThat(read("edge: {workers: 2}\n").config().mdns()).isFalse();
    assertThat(read("edge: {mdns: false}\n").config().mdns()).isFalse();
    EdgeConfig on = read("edge: {mdns: true, workers: 2}\n").config();
    assertThat(on.mdns()).isTrue();
    assertThat(EdgefileJson.write(on, Path.of("."))).contains("\"mdns\": true");
    assertThat(EdgefileJson.write(read("").config(), Path.of("."))).doesNotContain("mdns");
  }

  @Test
  void aValueThatIsNotABooleanIsAProblemWithAHint() {
    assertThat(problems("edge: {mdns: yes}\n"))
        .containsExactly(
            "Edgefile:2:14: edge.mdns: value \"yes\" (expected: true or false) — did you mean"
                + " \"true\"?");
  }

  @Test
  void mdnsIsEdgeWideNotAnAppSetting() {
    assertThat(problems("apps:\n  api:\n    builtin: demo\n    mdns: true\n"))
        .singleElement()
        .asString()
        .startsWith("Edgefile:5:5: apps.api.mdns: unknown key \"mdns\"");
  }
}
