package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Apps given as {@code APP}: a Spring Boot WebFlux app bound to its socket with a {@code
 * NettyServerCustomizer}, and a worker on a loopback TCP port ({@code --transport=tcp}).
 */
class AppJarIT {

  @Test
  void aSpringBootWebFluxAppRunsAsAWorker(@TempDir Path dir) throws Exception {
    Path app =
        AppJars.write(dir.resolve("spring-worker.jar"), "dev.edge.fixture.SpringWorkerApp", "1");
    try (EdgeProcess edge =
        EdgeProcess.startReady(
            2,
            "--workers=2",
            "--worker-java-options=-XX:TieredStopAtLevel=1 -Xss512k",
            app.toString())) {
      HttpResponse<String> hello = edge.get("/hello");
      assertThat(hello.statusCode()).isEqualTo(200);
      assertThat(hello.body()).matches("hello from spring worker [12]");
      JsonNode status = edge.status();
      assertThat(status.get("apps").get(0).get("id").asString()).isEqualTo("spring-worker");
      assertThat(edge.lines("[spring-worker w1] ")).as("Spring's log lines, captured").isNotEmpty();
      assertThat(edge.lines("Netty started on path")).hasSize(2);
    }
  }

  @Test
  void aWorkerCanListenOnALoopbackPortInstead() throws Exception {
    try (EdgeProcess edge = EdgeProcess.startReady(1, "--workers=1", "--transport=tcp")) {
      assertThat(edge.get("/hello").body()).isEqualTo("hello from edge\n");
      assertThat(edge.lines("worker_start app=demo worker=1 ").get(0))
          .containsPattern("address=127\\.0\\.0\\.1:\\d+");
      assertThat(edge.lines("demo worker 1 (pid ").get(0))
          .containsPattern("listening on 127\\.0\\.0\\.1:\\d+");
    }
  }
}
