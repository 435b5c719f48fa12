package dev.edge.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The command-line client's commands, each one control API call and its output (see {@link
 * EdgeCli}). A refusal or failed operation prints {@code edge: <command> failed: <why>} on stderr
 * (with {@code --json}, the response body on stdout too) and returns exit status 1.
 */
final class Commands {

  /** Time a stopping edge gets beyond its grace period: workers' SIGKILL delay and margin. */
  static final long STOP_MARGIN_MS = 15_000;

  private final ControlClient client;
  private final JsonMapper mapper;
  private final PrintStream out;
  private final PrintStream err;
  boolean json;

  Commands(ControlClient client, JsonMapper mapper, PrintStream out, PrintStream err) {
    this.client = client;
    this.mapper = mapper;
    this.out = out;
    this.err = err;
  }

  int status() throws IOException {
    return show("status", client.call("GET", "/control/status"), CliOutput::status);
  }

  int list() throws IOException {
    return show("list", client.call("GET", "/control/apps"), CliOutput::list);
  }

  int logs(String app, boolean follow, long worker, long lines, long since) throws IOException {
    StringBuilder path = new StringBuilder("/control/apps/").append(encode(app)).append("/logs?");
    if (worker >= 0) {
      path.append("worker=").append(worker).append('&');
    }
    if (since >= 0) {
      path.append("since=").append(since).append('&');
    }
    if (follow) {
      return stream("logs", path.append("follow=1").toString(), r -> CliOutput.logLine(app, r));
    }
    if (lines >= 0) {
      path.append("lines=").append(lines);
    }
    return show(
        "logs",
        client.call("GET", path.toString()),
        doc -> {
          StringBuilder text = new StringBuilder();
          doc.path("lines").forEach(r -> text.append(CliOutput.logLine(app, r)).append('\n'));
          return text.toString();
        });
  }

  int events(boolean follow, long since) throws IOException {
    String path = "/control/events?" + (since >= 0 ? "since=" + since + "&" : "");
    if (follow) {
      return stream("events", path + "follow=1", CliOutput::event);
    }
    return show(
        "events",
        client.call("GET", path),
        doc -> {
          StringBuilder text = new StringBuilder();
          doc.path("events").forEach(r -> text.append(CliOutput.event(r)).append('\n'));
          return text.toString();
        });
  }

  int restart(String app) throws IOException {
    return show(
        "restart " + app,
        client.call("POST", "/control/apps/" + encode(app) + "/restart"),
        doc ->
            app
                + ": restarted, generation "
                + doc.path("generation").asLong()
                + " serving ("
                + doc.path("durationMs").asLong()
                + " ms)\n");
  }

  int appStop(String app) throws IOException {
    return show(
        "app-stop " + app,
        client.call("POST", "/control/apps/" + encode(app) + "/stop"),
        doc -> app + ": stopped (" + doc.path("stopped").asInt() + " workers stopped)\n");
  }

  int appStart(String app) throws IOException {
    return show(
        "app-start " + app,
        client.call("POST", "/control/apps/" + encode(app) + "/start"),
        doc ->
            doc.path("started").asBoolean()
                ? app + ": started, generation " + doc.path("generation").asLong() + " serving\n"
                : app + ": already running\n");
  }

  int reload() throws IOException {
    return show(
        "reload",
        client.call("POST", "/control/reload"),
        doc ->
            "config "
                + doc.path("result").asString()
                + ": version "
                + doc.path("oldVersion").asString()
                + " -> "
                + doc.path("newVersion").asString()
                + " (started "
                + doc.path("started")
                + ", retired "
                + doc.path("retired")
                + ")\n");
  }

  /** Asks the edge to stop, then waits for its process to end (as rip's stop ends it). */
  int stop(long timeoutSeconds) throws IOException {
    String path = "/control/stop" + (timeoutSeconds >= 0 ? "?timeout=" + timeoutSeconds : "");
    ControlClient.Response response = client.call("POST", path);
    if (response.status() != 202) {
      return failed("stop", response);
    }
    JsonNode doc = mapper.readTree(response.body());
    long pid = doc.path("pid").asLong();
    long waitMs = doc.path("timeoutMs").asLong() + STOP_MARGIN_MS;
    if (json) {
      out.println(response.body());
    } else {
      out.println(
          "edge pid "
              + pid
              + " stopping (requests get up to "
              + doc.path("timeoutMs").asLong()
              + " ms to finish)");
    }
    out.flush();
    Optional<ProcessHandle> edge = ProcessHandle.of(pid);
    try {
      if (edge.isPresent() && edge.get().isAlive()) {
        edge.get().onExit().get(waitMs, TimeUnit.MILLISECONDS);
      }
    } catch (java.util.concurrent.TimeoutException e) {
      err.println("edge: stop failed: pid " + pid + " is still running after " + waitMs + " ms");
      return EdgeCli.FAILED;
    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
      Thread.currentThread().interrupt();
      return EdgeCli.FAILED;
    }
    if (!json) {
      out.println("edge pid " + pid + " stopped");
    }
    return EdgeCli.OK;
  }

  /** Prints a 2xx document (as JSON, or through {@code human}); anything else failed. */
  private int show(
      String what,
      ControlClient.Response response,
      java.util.function.Function<JsonNode, String> human) {
    if (response.status() / 100 != 2) {
      return failed(what, response);
    }
    if (json) {
      out.println(response.body());
    } else {
      out.print(human.apply(mapper.readTree(response.body())));
    }
    out.flush();
    return EdgeCli.OK;
  }

  /** Prints each record of a followed stream as it arrives, until the edge ends it. */
  private int stream(String what, String path, java.util.function.Function<JsonNode, String> human)
      throws IOException {
    ControlClient.Response response =
        client.stream(
            "GET",
            path,
            line -> {
              out.println(json ? line : human.apply(mapper.readTree(line)));
              out.flush();
              return !out.checkError();
            });
    return response.status() == 200 ? EdgeCli.OK : failed(what, response);
  }

  private int failed(String what, ControlClient.Response response) {
    String why;
    try {
      JsonNode doc = mapper.readTree(response.body());
      why = problem(doc);
    } catch (RuntimeException e) {
      why = "HTTP " + response.status();
    }
    if (json) {
      out.println(response.body());
      out.flush();
    }
    err.println("edge: " + what + " failed: " + why);
    return EdgeCli.FAILED;
  }

  /** The reason a failure document gives: a problem's detail, an outcome's reason, problems. */
  private static String problem(JsonNode doc) {
    List<String> parts = new ArrayList<>();
    for (String field : List.of("detail", "reason", "result")) {
      String value = doc.path(field).asString("");
      if (!value.isEmpty() && !parts.contains(value)) {
        parts.add(value);
      }
    }
    doc.path("problems").forEach(p -> parts.add(p.asString()));
    return parts.isEmpty() ? doc.toString() : String.join("; ", parts);
  }

  private static String encode(String app) {
    return URLEncoder.encode(app, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
