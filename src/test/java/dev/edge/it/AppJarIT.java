package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Apps given as {@code APP}: a Spring Boot WebFlux app bound to its socket with a {@code
 * NettyServerCustomizer}, and a worker on a loopback TCP port ({@code --transport=tcp}).
 */
class AppJarIT {

  /**
   * A launcher jar: a manifest whose Class-Path is the test class path, so {@code java -jar} runs
   * {@code mainClass}.
   */
  private static Path launcherJar(Path dir, String mainClass) throws Exception {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String entries =
        Arrays.stream(classPath.split(File.pathSeparator))
            .filter(entry -> !entry.isBlank())
            .map(entry -> Path.of(entry).toAbsolutePath().toUri().toString())
            .collect(Collectors.joining(" "));
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, entries);
    Path jar = dir.resolve("spring-worker.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream ignored = new JarOutputStream(out, manifest)) {
      // manifest only
    }
    return jar;
  }

  @Test
  void aSpringBootWebFluxAppRunsAsAWorker(@TempDir Path dir) throws Exception {
    Path app = launcherJar(dir, "dev.edge.fixture.SpringWorkerApp");
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
