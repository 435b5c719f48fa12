package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium} in headless mode, one fresh process (and profile) per page load. A
 * {@code --virtual-time-budget} lets the page run its timers (and fetches) for that much virtual
 * time, which Chromium advances as fast as the page allows, so polling every 2 s for 11 s takes
 * about a second of real time.
 *
 * <p>The binary is {@code -Dchromium=PATH}, else {@code $CHROMIUM}, else {@code chromium} or {@code
 * chromium-browser} on the {@code PATH}; when there is none the test fails (it is not skipped):
 * {@code ./test} installs it.
 */
final class HeadlessChromium {

  /** The flags every run gets: runs as root in a container, no GPU, no calls home. */
  static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          "--enable-logging=stderr",
          "--v=0",
          "--hide-scrollbars",
          "--force-device-scale-factor=1");

  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final Path LOGS = Path.of("target", "it-logs");

  private final Path binary;

  private HeadlessChromium(Path binary) {
    this.binary = binary;
  }

  /** Finds the browser, or fails the test saying how to install one. */
  static HeadlessChromium find() {
    String configured = System.getProperty("chromium", System.getenv("CHROMIUM"));
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (!Files.isExecutable(path)) {
        fail("-Dchromium / $CHROMIUM names %s, which is not an executable file", configured);
      }
      return new HeadlessChromium(path);
    }
    String searchPath = System.getenv().getOrDefault("PATH", "");
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String dir : searchPath.split(File.pathSeparator)) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(candidate)) {
          return new HeadlessChromium(candidate);
        }
      }
    }
    return fail(
        "Chromium is needed to test the dashboard in a real browser, and neither chromium nor"
            + " chromium-browser is on the PATH (%s). Install it (Debian: apt-get install -y"
            + " chromium; ./test does this) or point -Dchromium=/path/to/chromium at one.",
        searchPath);
  }

  /** What one page load left: the serialized DOM (empty for a screenshot) and the console. */
  record Loaded(String dom, List<String> console) {}

  /**
   * Loads {@code page}, lets it run for {@code budget} of virtual time, returns the DOM it rendered
   * and what it logged to the console (including Content-Security-Policy violations).
   */
  Loaded dumpDom(URI page, Duration budget) throws Exception {
    return run(page, budget, List.of("--dump-dom"), "dom");
  }

  /**
   * Loads {@code page} in a {@code width}x{@code height} window, lets it run for {@code budget} of
   * virtual time, and writes a PNG of the viewport to {@code png}.
   */
  Loaded screenshot(URI page, Duration budget, int width, int height, Path png) throws Exception {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.deleteIfExists(png);
    Loaded loaded =
        run(
            page,
            budget,
            List.of(
                "--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath()),
            "screenshot");
    assertThat(png).as("Chromium wrote the screenshot").exists();
    byte[] head = Files.readAllBytes(png);
    assertThat(head).as("a PNG").startsWith(0x89, 'P', 'N', 'G');
    return loaded;
  }

  private Loaded run(URI page, Duration budget, List<String> what, String label) throws Exception {
    Path profile = Files.createTempDirectory("edge-chromium-");
    Files.createDirectories(LOGS);
    Path out = Files.createTempFile("edge-chromium-", ".out");
    Path log = LOGS.resolve("chromium-" + label + "-" + System.nanoTime() + ".log");
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(FLAGS);
    command.add("--user-data-dir=" + profile);
    command.add("--virtual-time-budget=" + budget.toMillis());
    command.addAll(what);
    command.add(page.toString());
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(log.toFile())
            .start();
    try {
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        fail("Chromium did not finish %s within %s; its log: %s", page, TIMEOUT, read(log));
      }
      assertThat(process.exitValue())
          .as("Chromium's exit status for %s; its log: %s", command, read(log))
          .isZero();
      List<String> console = read(log).lines().filter(line -> line.contains(":CONSOLE")).toList();
      return new Loaded(Files.readString(out, StandardCharsets.UTF_8), console);
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      Files.deleteIfExists(out);
      deleteTree(profile);
    }
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(none)";
  }

  /** Best effort: a Chromium helper process may still be writing into its profile. */
  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      // left for the system's temp cleanup
    }
  }
}
