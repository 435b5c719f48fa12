package dev.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.config.EdgeOptions.Scheduling;
import dev.edge.config.EdgeOptions.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsParserTest {

  private static EdgeOptions parse(Map<String, String> values, List<String> positional) {
    return new OptionsParser(values::get, positional).parse();
  }

  @Test
  void defaults() {
    EdgeOptions options = parse(Map.of(), List.of());
    assertThat(options.httpPort()).isEqualTo(8080);
    assertThat(options.workers()).isGreaterThanOrEqualTo(2);
    assertThat(options.maxInflight()).isEqualTo(32);
    assertThat(options.maxQueue()).isEqualTo(1000);
    assertThat(options.queueTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.startTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(options.transport()).isEqualTo(Transport.UNIX);
    assertThat(options.workerScheduling()).isEqualTo(Scheduling.BATCH);
    assertThat(options.healthPath()).isEqualTo("/ready");
    assertThat(options.app()).isNull();
    assertThat(options.appId()).isEqualTo("demo");
    assertThat(options.workerJavaOptions()).contains("-XX:+UseSerialGC");
  }

  @Test
  void readsEveryOption(@TempDir Path dir) throws Exception {
    Path jar = Files.createFile(dir.resolve("my app.jar"));
    EdgeOptions options =
        parse(
            Map.of(
                "http-port", "0",
                "workers", "3",
                "max-inflight", "1",
                "max-queue", "0",
                "queue-timeout-ms", "250",
                "read-timeout-ms", "900",
                "transport", "TCP",
                "worker-scheduling", "Normal",
                "health-path", "/healthz",
                "worker-java-options", " -Xmx64m  -Dx=1 "),
            List.of(jar.toString()));
    assertThat(options.httpPort()).isZero();
    assertThat(options.workers()).isEqualTo(3);
    assertThat(options.maxInflight()).isEqualTo(1);
    assertThat(options.maxQueue()).isZero();
    assertThat(options.queueTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(options.readTimeout()).isEqualTo(Duration.ofMillis(900));
    assertThat(options.transport()).isEqualTo(Transport.TCP);
    assertThat(options.workerScheduling()).isEqualTo(Scheduling.NORMAL);
    assertThat(options.healthPath()).isEqualTo("/healthz");
    assertThat(options.app()).isEqualTo(jar);
    assertThat(options.appId()).isEqualTo("my-app");
    assertThat(options.workerJavaOptions()).containsExactly("-Xmx64m", "-Dx=1");
  }

  @Test
  void eventLoopsDefaultToHalfTheCoresOrTheReactorNettyProperty() {
    String before = System.getProperty(EdgeOptions.EVENT_LOOPS_PROPERTY);
    try {
      System.clearProperty(EdgeOptions.EVENT_LOOPS_PROPERTY);
      assertThat(parse(Map.of(), List.of()).eventLoops())
          .isEqualTo((Runtime.getRuntime().availableProcessors() + 1) / 2);
      assertThat(OptionsParser.defaultEventLoops(1)).isEqualTo(1);
      assertThat(OptionsParser.defaultEventLoops(2)).isEqualTo(1);
      assertThat(OptionsParser.defaultEventLoops(3)).isEqualTo(2);
      assertThat(OptionsParser.defaultEventLoops(16)).isEqualTo(8);
      assertThat(parse(Map.of("event-loops", "3"), List.of()).eventLoops()).isEqualTo(3);
      System.setProperty(EdgeOptions.EVENT_LOOPS_PROPERTY, "5");
      assertThat(parse(Map.of(), List.of()).eventLoops()).isEqualTo(5);
      assertThat(parse(Map.of("event-loops", "1"), List.of()).eventLoops()).isEqualTo(1);
      assertThatThrownBy(() -> parse(Map.of("event-loops", "0"), List.of()))
          .hasMessage("--event-loops: \"0\" is not valid (expected: an integer 1-256)");
    } finally {
      if (before == null) {
        System.clearProperty(EdgeOptions.EVENT_LOOPS_PROPERTY);
      } else {
        System.setProperty(EdgeOptions.EVENT_LOOPS_PROPERTY, before);
      }
    }
  }

  @Test
  void badValuesNameTheOptionTheValueAndTheExpectation() {
    assertThatThrownBy(() -> parse(Map.of("workers", "many"), List.of()))
        .hasMessage("--workers: \"many\" is not valid (expected: an integer 1-256)");
    assertThatThrownBy(() -> parse(Map.of("http-port", "70000"), List.of()))
        .hasMessage(
            "--http-port: \"70000\" is not valid (expected: a port 0-65535 (0 = any free port))");
    assertThatThrownBy(() -> parse(Map.of("transport", "udp"), List.of()))
        .hasMessage("--transport: \"udp\" is not valid (expected: unix or tcp)");
    assertThatThrownBy(() -> parse(Map.of("worker-scheduling", "fifo"), List.of()))
        .hasMessage("--worker-scheduling: \"fifo\" is not valid (expected: batch or normal)");
    assertThatThrownBy(() -> parse(Map.of("health-path", "ready"), List.of()))
        .hasMessageContaining("--health-path: \"ready\"");
    assertThatThrownBy(() -> parse(Map.of(), List.of("/nope/app.jar")))
        .hasMessage("--app: \"/nope/app.jar\" is not valid (expected: an app jar that exists)");
  }

  @Test
  void edgefileAndAdminToken(@TempDir Path dir) throws Exception {
    Path edgefile = Files.writeString(dir.resolve("Edgefile"), "version: 1\n");
    EdgeOptions options =
        parse(
            Map.of("edgefile", edgefile.toString(), "edge.admin-token", "0123456789abcdef"),
            List.of());
    assertThat(options.edgefile()).isEqualTo(edgefile);
    assertThat(options.adminToken()).isEqualTo("0123456789abcdef");
    assertThat(parse(Map.of(), List.of()).edgefile()).isNull();
    assertThat(parse(Map.of(), List.of()).adminToken()).isNull();
    assertThatThrownBy(() -> parse(Map.of("edgefile", "/nope/Edgefile"), List.of()))
        .hasMessage(
            "--edgefile: \"/nope/Edgefile\" is not valid (expected: an Edgefile that exists (and no"
                + " APP))");
    Path jar = Files.writeString(dir.resolve("app.jar"), "x");
    assertThatThrownBy(
            () -> parse(Map.of("edgefile", edgefile.toString()), List.of(jar.toString())))
        .hasMessageContaining("either an Edgefile or an APP jar, not both");
    assertThatThrownBy(() -> parse(Map.of("admin-token", "short"), List.of()))
        .hasMessage(
            "--admin-token: \"(5 characters)\" is not valid (expected: a token of at least 16"
                + " characters without spaces)");
  }

  @Test
  void unknownOptionsAreRejectedButSpringKeysPass() {
    OptionsParser.rejectUnknown(
        new String[] {"--workers=2", "--logging.level.root=warn", "app.jar"});
    assertThatThrownBy(() -> OptionsParser.rejectUnknown(new String[] {"--wrokers=2"}))
        .hasMessageStartingWith("unknown option --wrokers (expected one of: --http-port,");
  }

  @Test
  void mdnsIsOffByDefaultAndTakesAnInterfaceNameOrAddress() {
    assertThat(parse(Map.of(), List.of()).mdns()).isEqualTo(new Mdns(false, null));
    assertThat(parse(Map.of("mdns", ""), List.of()).mdns()).isEqualTo(new Mdns(true, null));
    assertThat(parse(Map.of("mdns", "true", "mdns-interface", " eth0 "), List.of()).mdns())
        .isEqualTo(new Mdns(true, "eth0"));
    assertThatThrownBy(() -> parse(Map.of("mdns", "yes"), List.of()))
        .hasMessage("--mdns: \"yes\" is not valid (expected: true or false)");
    assertThatThrownBy(() -> parse(Map.of("mdns-interface", " "), List.of()))
        .hasMessage(
            "--mdns-interface: \"\" is not valid (expected: a network interface name (eth0) or"
                + " one of its IP addresses)");
    assertThat(OptionsParser.OPTIONS.stream().map(OptionsParser.Option::name))
        .contains("mdns", "mdns-interface");
  }
}
