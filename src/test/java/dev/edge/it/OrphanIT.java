package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers never outlive their edge: SIGKILL the edge and every worker exits within 5 s. */
class OrphanIT {

  private static final Pattern PID =
      Pattern.compile("worker_start app=demo worker=\\d+ pid=(\\d+)");

  @Test
  void workersExitWhenTheEdgeIsKilledAndTheNextEdgeCleansUp(@TempDir Path sockets)
      throws Exception {
    EdgeProcess edge = EdgeProcess.startReady(2, "--workers=2", "--socket-dir=" + sockets);
    Path staleDir = sockets.resolve(Long.toString(edge.process.pid()));
    assertThat(staleDir.resolve("workers.pids")).exists();
    List<Long> pids = edge.lines("worker_start app=demo").stream().map(OrphanIT::pid).toList();
    assertThat(pids).hasSize(2);
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true);
    }

    edge.process.destroyForcibly();
    assertThat(edge.process.waitFor(10, TimeUnit.SECONDS)).isTrue();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (long pid : pids) {
      Optional<ProcessHandle> worker = ProcessHandle.of(pid);
      while (worker.isPresent() && worker.get().isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(worker.map(ProcessHandle::isAlive).orElse(false))
          .as("worker %d exited", pid)
          .isFalse();
    }
    assertThat(staleDir).as("a SIGKILLed edge leaves its socket directory").exists();

    try (EdgeProcess next = EdgeProcess.startReady(1, "--workers=1", "--socket-dir=" + sockets)) {
      assertThat(next.lines("stale_cleanup directory=" + staleDir + " killedWorkers=0")).hasSize(1);
      assertThat(staleDir).doesNotExist();
    }
  }

  private static long pid(String line) {
    Matcher matcher = PID.matcher(line);
    assertThat(matcher.find()).isTrue();
    return Long.parseLong(matcher.group(1));
  }
}
