package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The idle edge gives memory back by itself ({@code --memory-release-idle-ms}): {@code
 * /diagnostics} reports the setting and counts the releases; a release follows start-up once the
 * edge is idle, and another follows traffic once it stops; with 0 the edge never releases.
 */
class MemoryReleaseIT {

  /** Two idle intervals of 1 s fit in this pause between polls, which are requests themselves. */
  private static final long QUIET_MS = 3_000;

  @Test
  void releasesOnceIdleAfterStartAndAgainAfterTraffic() throws Exception {
    try (EdgeProcess edge =
        EdgeProcess.startReady(1, "--workers=1", "--memory-release-idle-ms=1000")) {
      JsonNode memory = awaitReleases(edge, 1);
      assertThat(memory.get("releaseIdleMs").asLong()).isEqualTo(1000);
      assertThat(memory.get("trimNativeHeap").asBoolean()).isEqualTo(jvmCanTrim());
      assertThat(memory.get("heapCommittedBytes").asLong())
          .isGreaterThanOrEqualTo(memory.get("heapUsedBytes").asLong());
      long after = memory.get("releases").asLong();
      for (int i = 0; i < 20; i++) {
        assertThat(edge.get("/hello").statusCode()).isEqualTo(200);
      }
      assertThat(awaitReleases(edge, after + 1).get("releases").asLong())
          .isGreaterThanOrEqualTo(after + 1);
    }
  }

  @Test
  void zeroNeverReleases() throws Exception {
    try (EdgeProcess edge =
        EdgeProcess.startReady(1, "--workers=1", "--memory-release-idle-ms=0")) {
      Thread.sleep(QUIET_MS);
      JsonNode memory = diagnostics(edge).get("memory");
      assertThat(memory.get("releaseIdleMs").asLong()).isZero();
      assertThat(memory.get("releases").asLong()).isZero();
    }
  }

  /** Polls {@code /diagnostics} with quiet pauses until the edge counts {@code count} releases. */
  private static JsonNode awaitReleases(EdgeProcess edge, long count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonNode memory;
    do {
      Thread.sleep(QUIET_MS);
      memory = diagnostics(edge).get("memory");
    } while (memory.get("releases").asLong() < count && System.nanoTime() < deadline);
    assertThat(memory.get("releases").asLong())
        .as("releases in %s", memory)
        .isGreaterThanOrEqualTo(count);
    return memory;
  }

  private static JsonNode diagnostics(EdgeProcess edge) throws Exception {
    var response = edge.get("/diagnostics");
    assertThat(response.statusCode()).isEqualTo(200);
    return EdgeProcess.JSON.readTree(response.body());
  }

  /** Whether this JVM (the one the edge runs on) has {@code System.trim_native_heap}, on Linux. */
  private static boolean jvmCanTrim() throws Exception {
    var ops =
        ManagementFactory.getPlatformMBeanServer()
            .getMBeanInfo(new ObjectName("com.sun.management:type=DiagnosticCommand"))
            .getOperations();
    return System.getProperty("os.name").startsWith("Linux")
        && Arrays.stream(ops).anyMatch(op -> op.getName().equals("systemTrimNativeHeap"));
  }
}
