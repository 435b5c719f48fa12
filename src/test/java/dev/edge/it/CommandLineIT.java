package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad options and a missing app: one line naming the option and the expectation, exit code 2. */
class CommandLineIT {

  private record Result(int exitCode, String stdout, String stderr) {}

  private static Result run(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(EdgeProcess.JAR.toAbsolutePath().toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void aBadValueNamesTheOptionAndTheExpectation() throws Exception {
    Result result = run("--workers=lots");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr())
        .isEqualTo("edge: --workers: \"lots\" is not valid (expected: an integer 1-256)\n");
  }

  @Test
  void anUnknownOptionIsRejected() throws Exception {
    Result result = run("--wrokers=3");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr())
        .startsWith("edge: unknown option --wrokers (expected one of: --http-port, ")
        .endsWith(")\n");
    assertThat(result.stderr().lines().count()).isEqualTo(1);
  }

  @Test
  void aMissingAppJarIsRejected() throws Exception {
    Result result = run("--http-port=0", "no-such-app.jar");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr())
        .isEqualTo(
            "edge: --app: \"no-such-app.jar\" is not valid (expected: an app jar that exists)\n");
  }

  @Test
  void anInvalidEdgefileListsEveryProblemAndExits2(@TempDir Path dir) throws Exception {
    Path edgefile = dir.resolve("Edgefile");
    Files.writeString(
        edgefile,
        "version: 1\nsites:\n  s:\n    hosts: [\"*\"]\n    routes:\n"
            + "      - {path: /*, app: nope}\n      - {path: /x, proxy: \"htp://x\"}\n");
    Result invalid = run("--http-port=0", "--edgefile=" + edgefile);
    assertThat(invalid.exitCode()).isEqualTo(2);
    assertThat(invalid.stderr())
        .contains("has 2 problems:")
        .contains("Edgefile:6:", "sites.s.routes[0].app")
        .contains("Edgefile:7:", "did you mean \"http://x\"?");
    assertThat(invalid.stdout()).doesNotContain("edge: http://");

    Files.writeString(
        edgefile,
        "version: 1\napps:\n  a: {jar: missing.jar}\nsites:\n  s:\n    hosts: [\"*\"]\n"
            + "    routes:\n      - {path: /*, app: a}\n      - {path: /s/*, static: ./nowhere}\n");
    Result missing = run("--http-port=0", "--edgefile=" + edgefile);
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.stderr())
        .contains("apps.a.jar: no such file " + dir.resolve("missing.jar"))
        .contains("sites.s.routes[1].static: no such directory " + dir.resolve("nowhere"));
  }

  @Test
  void helpListsEveryOption() throws Exception {
    Result result = run("--help");
    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout())
        .startsWith("usage: java -jar edge.jar [options] [APP]")
        .contains(
            "--http-port",
            "--workers",
            "--max-inflight",
            "--max-queue",
            "--queue-timeout-ms",
            "--read-timeout-ms",
            "--socket-dir",
            "--transport");
  }

  @Test
  void aPortInUseIsExplainedWithoutAStackTrace() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Result result =
          run(
              "--http-port=" + taken.getLocalPort(),
              "--bind-address=127.0.0.1",
              "--workers=1",
              "--cache-dir=" + EdgeProcess.CACHE,
              "--cert-dir=" + EdgeProcess.CERT_DIR);
      assertThat(result.exitCode()).isEqualTo(1);
      String output = result.stdout() + result.stderr();
      assertThat(output)
          .contains("edge cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("another --http-port")
          .doesNotContain("\tat reactor.netty");

      Result https =
          run(
              "--http-port=0",
              "--https-port=" + taken.getLocalPort(),
              "--bind-address=127.0.0.1",
              "--workers=1",
              "--cache-dir=" + EdgeProcess.CACHE,
              "--cert-dir=" + EdgeProcess.CERT_DIR);
      assertThat(https.exitCode()).isEqualTo(1);
      assertThat(https.stdout() + https.stderr())
          .contains("edge cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("--https-port (0 picks a free one; --no-https turns HTTPS off)")
          .doesNotContain("\tat reactor.netty");
    }
  }
}
