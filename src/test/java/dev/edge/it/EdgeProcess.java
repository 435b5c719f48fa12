package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real edge under test: {@code java [jvm options] -jar target/edge.jar [options]} on a free
 * port, its output captured, stopped with SIGTERM when closed.
 */
final class EdgeProcess implements AutoCloseable {

  static final Path JAR = Path.of(System.getProperty("edge.jar", "target/edge.jar"));
  static final Path CACHE = Path.of("target", "it-cache").toAbsolutePath();
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern URL_LINE = Pattern.compile("edge: http://[^:]+:(\\d+)/");
  private static final Pattern HTTPS_LINE = Pattern.compile("edge: https://[^:/]+:(\\d+)/");

  /** Where the edges under test keep their dev certificate (one CA for the whole run). */
  static final Path CERT_DIR = CACHE.resolve("certs");

  final Process process;
  final List<String> output = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private volatile int port = -1;
  private volatile int httpsPort = -1;

  private EdgeProcess(Process process) {
    this.process = process;
    Thread pump = new Thread(this::pump, "edge-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts an edge with the given options (and optional JVM options before {@code -jar}). */
  static EdgeProcess start(List<String> jvmOptions, String... options) throws IOException {
    return start(List.of(), jvmOptions, options);
  }

  /**
   * Starts an edge whose {@code java} command follows {@code prefix} (a program that ends by
   * executing its arguments, e.g. {@code unshare -n sh -c '... exec "$0" "$@"'}, so the process is
   * the edge's JVM).
   */
  static EdgeProcess start(List<String> prefix, List<String> jvmOptions, String... options)
      throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dio.netty.leakDetection.level=simple"); // off by default; close() checks it
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(JAR.toAbsolutePath().toString());
    List<String> given = List.of(options);
    if (given.stream().noneMatch(o -> o.startsWith("--http-port") || o.equals("--no-http"))) {
      command.add("--http-port=0");
    }
    command.add("--bind-address=127.0.0.1");
    command.add("--cache-dir=" + CACHE);
    if (given.stream().noneMatch(o -> o.startsWith("--https-port") || o.startsWith("--no-https"))) {
      command.add("--https-port=0");
    }
    if (given.stream().noneMatch(o -> o.startsWith("--cert-dir"))) {
      command.add("--cert-dir=" + CERT_DIR);
    }
    command.addAll(given);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new EdgeProcess(process);
  }

  /** Starts an edge and waits until {@code workers} workers are READY. */
  static EdgeProcess startReady(int workers, String... options) throws Exception {
    EdgeProcess edge = start(List.of(), options);
    try {
      edge.awaitReady(workers);
    } catch (Exception | AssertionError e) {
      try { // the caller gets no handle to stop it with
        edge.close();
      } catch (Exception | AssertionError closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return edge;
  }

  private void pump() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        output.add(line);
        Matcher url = URL_LINE.matcher(line);
        if (url.find()) {
          port = Integer.parseInt(url.group(1));
        }
        Matcher https = HTTPS_LINE.matcher(line);
        if (httpsPort < 0 && https.find()) {
          httpsPort = Integer.parseInt(https.group(1));
        }
      }
    } catch (IOException e) {
      // process ended
    }
  }

  /**
   * How long an edge may take to print its URL: a few seconds on a quiet machine, but the ITs run
   * two at a time and a loaded 2-core machine has been seen to take over 30 s.
   */
  private static final long START_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(90);

  int port() throws InterruptedException {
    long deadline = System.nanoTime() + START_LIMIT_NANOS;
    while (port < 0) {
      assertThat(process.isAlive()).as("edge alive; output: %s", output).isTrue();
      assertThat(System.nanoTime())
          .as("edge printed its URL; output: %s", output)
          .isLessThan(deadline);
      Thread.sleep(20);
    }
    return port;
  }

  /** The HTTPS port, from the first {@code edge: https://} line. */
  int httpsPort() throws InterruptedException {
    long deadline = System.nanoTime() + START_LIMIT_NANOS;
    while (httpsPort < 0) {
      assertThat(process.isAlive()).as("edge alive; output: %s", output).isTrue();
      assertThat(System.nanoTime())
          .as("edge printed its HTTPS URL; output: %s", output)
          .isLessThan(deadline);
      Thread.sleep(20);
    }
    return httpsPort;
  }

  URI uri(String path) throws InterruptedException {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  /** Waits until /status shows {@code workers} READY workers for the (single) app. */
  void awaitReady(int workers) throws Exception {
    awaitApp("ready", workers, Duration.ofSeconds(60));
  }

  /** Waits until the (single) app's {@code field} in /status (e.g. inflight) is {@code value}. */
  void awaitApp(String field, int value, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode app = status().get("apps").get(0);
      if (app.get(field).asInt() == value) {
        return;
      }
      assertThat(System.nanoTime())
          .as("%s %d; status %s; output: %s", field, value, app, output)
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Waits until /status lists exactly {@code ready} apps, each with all its workers READY. */
  void awaitApps(java.util.Map<String, Integer> ready) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      java.util.Map<String, Integer> now = new java.util.TreeMap<>();
      for (JsonNode app : status().get("apps")) {
        now.put(app.get("id").asString(), app.get("ready").asInt());
      }
      if (now.equals(new java.util.TreeMap<>(ready))) {
        return;
      }
      assertThat(System.nanoTime())
          .as("apps READY %s (now %s); output: %s", ready, now, output)
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** GET {@code path} with {@code Host: host}. */
  HttpResponse<String> get(String host, String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).header("Host", host);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POST with an empty body. */
  HttpResponse<String> post(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(120))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode status() throws Exception {
    return JSON.readTree(get("/status").body());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a signal ({@code TERM}, {@code USR1}, ...) to the edge. */
  void signal(String name) throws Exception {
    signal(process.pid(), name);
  }

  static void signal(long pid, String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  /** Waits until an output line contains {@code text}; returns it. */
  String awaitLine(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> found = lines(text);
      if (!found.isEmpty()) {
        return found.get(0);
      }
      assertThat(System.nanoTime())
          .as("a line with %s; output: %s", text, output)
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Pids of workers the edge reported starting. */
  List<Long> workerPids() {
    Pattern pid = Pattern.compile("worker_start .*pid=(\\d+)");
    List<Long> pids = new ArrayList<>();
    for (String line : lines("worker_start ")) {
      Matcher matcher = pid.matcher(line);
      if (matcher.find()) {
        pids.add(Long.parseLong(matcher.group(1)));
      }
    }
    return pids;
  }

  /** Output lines that contain {@code text}. */
  List<String> lines(String text) {
    return output.stream().filter(line -> line.contains(text)).toList();
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    Path logs = Path.of("target", "it-logs");
    java.nio.file.Files.createDirectories(logs);
    Path log = logs.resolve("edge-" + process.pid() + ".log");
    java.nio.file.Files.write(log, output);
    List<String> leaks = output.stream().filter(line -> line.contains("LEAK:")).toList();
    if (!leaks.isEmpty()) {
      throw new AssertionError("Netty reported leaked buffers (see " + log + "): " + leaks);
    }
  }
}
