package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploys under continuous load: a rolling restart (SIGUSR1), a hot reload (the app jar is
 * replaced) and a new version that never becomes READY (the roll is aborted). Every request must
 * succeed, and the right generation must be serving after each step.
 */
class RollingRestartIT {

  private static final String APP = "dev.edge.fixture.FixtureApp";

  @Test
  void rollsAndReloadsWithZeroFailedRequestsAndAbortsABadVersion(@TempDir Path dir)
      throws Exception {
    Path jar = AppJars.write(dir.resolve("app.jar"), APP, "1");
    try (EdgeProcess edge =
        EdgeProcess.startReady(2, "--workers=2", "--start-timeout-ms=15000", jar.toString())) {
      LoadGenerator load = LoadGenerator.start(edge, 4, "/hello", "/sleep?ms=20");
      Thread.sleep(1000);

      edge.signal("USR1");
      String rolled = edge.awaitLine("roll_complete app=app generation=2", Duration.ofSeconds(60));
      assertThat(rolled).contains("drained=2");
      assertThat(edge.lines("roll_start app=app generation=2 trigger=signal workers=2")).hasSize(1);
      Thread.sleep(1000);
      assertThat(edge.get("/worker").body()).endsWith(" 2");

      AppJars.write(jar, APP, "2");
      edge.awaitLine("roll_complete app=app generation=3", Duration.ofSeconds(60));
      assertThat(edge.lines("roll_start app=app generation=3 trigger=file_change")).hasSize(1);
      Thread.sleep(1000);
      assertThat(edge.get("/version").body()).isEqualTo("2");

      AppJars.write(jar, APP, "hang");
      String aborted = edge.awaitLine("roll_abort app=app generation=4", Duration.ofSeconds(60));
      assertThat(aborted).contains("not READY within 15000 ms");
      Thread.sleep(1000);
      assertThat(edge.get("/version").body()).as("the old generation still serves").isEqualTo("2");
      assertThat(edge.get("/worker").body()).endsWith(" 3");

      load.runAtLeast(Duration.ofSeconds(15));
      load.close();
      assertThat(load.failures).as("failed requests").isEmpty();
      assertThat(load.served()).isGreaterThan(200);
      assertThat(edge.status().get("apps").get(0).get("ready").asInt()).isEqualTo(2);
      assertThat(edge.lines("roll_complete app=")).hasSize(2);
      assertThat(edge.lines("roll_abort app=")).hasSize(1);
      List<String> exits = edge.lines("worker_exit app=app");
      assertThat(exits).allSatisfy(line -> assertThat(line).doesNotContain("cause=crash"));
    }
  }
}
