package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The edge's command-line client, run as users run it: {@code java -jar edge.jar COMMAND ...}. */
final class Cli {

  /**
   * One finished command.
   *
   * @param exit its exit status
   * @param out what it printed on stdout
   * @param err what it printed on stderr
   */
  record Result(int exit, String out, String err) {
    List<String> outLines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }
  }

  private Cli() {}

  private static ProcessBuilder command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(EdgeProcess.JAR.toAbsolutePath().toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /** Runs a command to its end (at most 2 minutes). */
  static Result run(String... args) throws Exception {
    Process process = command(args).start();
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    String out = read(process.getInputStream());
    assertThat(process.waitFor(120, TimeUnit.SECONDS))
        .as("cli %s finished", List.of(args))
        .isTrue();
    return new Result(process.exitValue(), out, err.get(10, TimeUnit.SECONDS));
  }

  private static String read(java.io.InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A command that keeps printing ({@code -f}): its lines as they come. */
  static final class Follower implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    Follower(String... args) throws IOException {
      process = command(args).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      Thread pump =
          new Thread(
              () -> {
                try (BufferedReader reader =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "cli-follower");
      pump.setDaemon(true);
      pump.start();
    }

    /** Waits until a line contains {@code text}; returns it. */
    String await(String text, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        for (String line : lines) {
          if (line.contains(text)) {
            return line;
          }
        }
        assertThat(System.nanoTime())
            .as("a line with %s; lines so far: %s", text, lines)
            .isLessThan(deadline);
        Thread.sleep(20);
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
