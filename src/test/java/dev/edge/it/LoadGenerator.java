package dev.edge.it;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Client threads that loop over paths against the edge until stopped, recording every outcome. */
final class LoadGenerator implements AutoCloseable {

  final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  final List<String> failures = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ExecutorService threads;
  private final long startedAt = System.nanoTime();

  private LoadGenerator(EdgeProcess edge, int clients, List<String> paths) {
    threads = Executors.newFixedThreadPool(clients);
    for (int c = 0; c < clients; c++) {
      int client = c;
      threads.execute(
          () -> {
            int i = client;
            while (running.get()) {
              String path = paths.get(i++ % paths.size());
              try {
                HttpResponse<String> response =
                    edge.http.send(
                        HttpRequest.newBuilder(edge.uri(path))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                statuses
                    .computeIfAbsent(response.statusCode(), s -> new AtomicInteger())
                    .incrementAndGet();
                if (response.statusCode() != 200) {
                  failures.add(path + " -> " + response.statusCode() + " " + response.body());
                }
              } catch (Exception e) {
                failures.add(path + " -> " + e);
              }
            }
          });
    }
  }

  /** Starts {@code clients} threads cycling through {@code paths}. */
  static LoadGenerator start(EdgeProcess edge, int clients, String... paths) {
    return new LoadGenerator(edge, clients, List.of(paths));
  }

  /** Keeps the load going until it has run at least {@code minimum} in all. */
  void runAtLeast(Duration minimum) throws InterruptedException {
    long left = minimum.toNanos() - (System.nanoTime() - startedAt);
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  int served() {
    AtomicInteger ok = statuses.get(200);
    return ok == null ? 0 : ok.get();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    threads.shutdown();
    threads.awaitTermination(60, TimeUnit.SECONDS);
  }
}
