package dev.edge.statics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * File-system work runs on the scheduler given to {@link StaticFiles}, never on the event loop:
 * with that scheduler held shut, a static request waits while the server's only event loop keeps
 * answering other requests.
 */
class StaticFilesThreadingTest {

  @TempDir Path base;
  private final CountDownLatch gate = new CountDownLatch(1);
  private final List<String> fileIoTasks = new CopyOnWriteArrayList<>();
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "gated-file-io");
            thread.setDaemon(true);
            return thread;
          });
  private StaticServer server;

  @AfterEach
  void stop() {
    gate.countDown();
    if (server != null) {
      server.close();
    }
    executor.shutdownNow();
  }

  @Test
  void fileSystemWorkWaitsForFileIoWhileTheEventLoopStaysFree() throws Exception {
    Scheduler fileIo =
        Schedulers.fromExecutor(
            task ->
                executor.execute(
                    () -> {
                      try {
                        gate.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                      }
                      fileIoTasks.add(Thread.currentThread().getName());
                      task.run();
                    }));
    server = new StaticServer(base, fileIo);

    CompletableFuture<HttpResponse<byte[]>> file =
        server
            .client()
            .sendAsync(server.request("GET", "/big.bin"), HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> ping = server.send("GET", "/ping");

    assertThat(new String(ping.body(), StandardCharsets.UTF_8)).isEqualTo("pong");
    Thread.sleep(200);
    assertThat(file).as("the static request waits for fileIo").isNotDone();

    gate.countDown();
    HttpResponse<byte[]> response = file.get(30, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(server.big);
    assertThat(fileIoTasks)
        .as("the lookup and the opening of the file for the body")
        .hasSizeGreaterThanOrEqualTo(2);
  }
}
