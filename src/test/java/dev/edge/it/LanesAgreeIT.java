package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both lanes answer alike: one table of requests goes, over raw sockets, to an edge started
 * normally (bodyless GET and HEAD to an app carried by the HTTP/1.1 fast lane) and to one started
 * with {@code --no-fast-lane} (everything through Reactor Netty's server), same Edgefile, same
 * options otherwise; each request gets the same status line, the same set of header fields and the
 * same body bytes from both. Then the connection must be closed if the response said {@code
 * Connection: close}, and otherwise take a next request: each response ends where its framing says
 * (no body after a response to HEAD) and keeps the connection alive alike.
 *
 * <p>What is not compared: the value of {@code Date}; {@code RateLimit-Reset} everywhere and {@code
 * Retry-After} (with the same number in the problem's detail) on a {@code 429 rate_limited}, which
 * count down with the clock; and of {@code /status} and {@code /diagnostics}, whose documents are
 * live, only the status line, {@code Content-Type} and the header names. Header order may differ.
 *
 * <p>Each row sends from its own loopback address (127.0.0.10 and up), the same in both lanes, so
 * the edge-wide {@code --rate-limit} (3 a minute) and a route's own rate limit start every row with
 * a full bucket: every app response carries the {@code RateLimit-*} headers, and the rows that are
 * about the limits run into them. One worker taking one request at a time with no queue ({@code
 * --workers=1 --max-inflight=1 --max-queue=0}) gives the full-queue row; the other rows wait until
 * the worker is idle before each request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LanesAgreeIT {

  private static final String EDGEFILE =
      """
      version: 1
      apps:
        web:
          builtin: demo
      sites:
        main:
          hosts: [example.test]
          routes:
            - path: /*
              app: web
            - path: /echo
              app: web
              limits: {maxBody: 1kb}
            - path: /headers
              app: web
              headers:
                request: {set: {X-Via-Route: edited}, remove: [X-Secret]}
                response:
                  set: {X-Site: main, Cache-Control: no-store}
                  remove: [Content-Type]
            - path: /bytes
              app: web
              limits: {rateLimit: 2, rateLimitWindow: 1m}
        other:
          hosts: [other.test]
          routes:
            - {path: /only, app: web, methods: [GET]}
      """;

  private static final Duration STARTUP = Duration.ofSeconds(120);
  private static final Duration IDLE = Duration.ofSeconds(15);
  private static final Pattern SECONDS = Pattern.compile("\\d+");
  private static final Pattern RETRY_IN_DETAIL = Pattern.compile("retry after \\d+ s");

  /** A request sent after the one compared on the same connection, to see that it goes on. */
  private static final String NEXT =
      "GET /server HTTP/1.1\r\nHost: example.test\r\nX-Request-Id: lanes-next\r\n"
          + "Connection: close\r\n\r\n";

  @TempDir static Path dir;
  private EdgeProcess fast;
  private EdgeProcess general;

  @BeforeAll
  void start() throws Exception {
    Path edgefile = dir.resolve("Edgefile");
    Files.writeString(edgefile, EDGEFILE);
    String[] options = {
      "--edgefile=" + edgefile,
      "--workers=1",
      "--max-inflight=1",
      "--max-queue=0",
      "--rate-limit=3",
      "--rate-limit-window-ms=60000"
    };
    fast = EdgeProcess.start(List.of(), options);
    general = EdgeProcess.start(List.of(), append(options, "--no-fast-lane"));
    for (EdgeProcess edge : List.of(fast, general)) {
      // both start at once on a machine that may be shared: more time than port() gives
      edge.awaitLine("edge: http://", STARTUP);
      edge.awaitReady(1);
    }
  }

  @AfterAll
  void stop() throws Exception {
    try (EdgeProcess a = fast;
        EdgeProcess b = general) {
      // closed, and checked for leaks
    }
  }

  /** How much of a response is compared. */
  enum Compare {
    /** Status line, every header field (but the clock's) and the body. */
    EXACT,
    /** Status line, {@code Content-Type} and the header names: a live document. */
    SHAPE
  }

  /**
   * One request of a row, and what it must get (in both lanes).
   *
   * @param reason the problem's {@code reason}, or null for a response that is not a problem
   */
  record Step(String request, int status, String reason) {
    boolean head() {
      return request.startsWith("HEAD ");
    }
  }

  /**
   * A row of the table: requests sent one after another, each on a new connection, from {@code
   * from}.
   *
   * @param holdSlot whether the worker's one slot is held by a {@code GET /sleep?ms=3000} on
   *     another connection while the steps run
   */
  record Row(String name, InetAddress from, Compare compare, boolean holdSlot, List<Step> steps) {
    @Override
    public String toString() {
      return name;
    }
  }

  Stream<Row> rows() throws IOException {
    List<Row> rows = new ArrayList<>();
    Table t = new Table(rows);
    t.row("GET to an app", Compare.EXACT, false, step(get("/hello"), 200, null));
    t.row("HEAD to an app", Compare.EXACT, false, step(req("HEAD", "/hello", ""), 200, null));
    t.row(
        "GET to an app, Connection: close",
        Compare.EXACT,
        false,
        step(req("GET", "/hello", "Connection: close\r\n"), 200, null));
    t.row(
        "POST to an app",
        Compare.EXACT,
        false,
        step(
            req("POST", "/echo", "Content-Type: text/plain\r\nContent-Length: 5\r\n") + "hello",
            200,
            null));
    t.row("an app's own 404", Compare.EXACT, false, step(get("/nope"), 404, null));
    t.row("an app's own 302", Compare.EXACT, false, step(get("/redirect"), 302, null));
    t.row(
        "request and response header edits",
        Compare.EXACT,
        false,
        step(req("GET", "/headers", "X-Secret: s3cret\r\nX-Kept: yes\r\n"), 200, null),
        step(req("HEAD", "/headers", "X-Secret: s3cret\r\n"), 200, null));
    t.row(
        "route body limit: 413 by Content-Length",
        Compare.EXACT,
        false,
        step(req("POST", "/echo", "Content-Length: 2048\r\n"), 413, "body_too_large"));
    t.row(
        "route rate limit: 200, 200, then 429",
        Compare.EXACT,
        false,
        step(get("/bytes?n=200000"), 200, null),
        step(get("/bytes?n=16"), 200, null),
        step(get("/bytes?n=16"), 429, "rate_limited"));
    t.row(
        "edge-wide --rate-limit: 200 three times, then 429",
        Compare.EXACT,
        false,
        step(get("/hello"), 200, null),
        step(req("HEAD", "/hello", ""), 200, null),
        step(get("/hello"), 200, null),
        step(get("/hello"), 429, "rate_limited"));
    t.row("built-in /server", Compare.EXACT, false, step(get("/server"), 200, null));
    t.row("built-in /status", Compare.SHAPE, false, step(get("/status"), 200, null));
    t.row(
        "built-in /diagnostics from loopback",
        Compare.SHAPE,
        false,
        step(get("/diagnostics"), 200, null));
    t.row(
        "unknown host",
        Compare.EXACT,
        false,
        step(
            "GET /hello HTTP/1.1\r\nHost: nowhere.test\r\nX-Request-Id: lanes-unknown-host\r\n\r\n",
            404,
            "no_route"));
    t.row(
        "404 no_route",
        Compare.EXACT,
        false,
        step(
            "GET /elsewhere HTTP/1.1\r\nHost: other.test\r\nX-Request-Id: lanes-no-route\r\n\r\n",
            404,
            "no_route"),
        step(
            "HEAD /elsewhere HTTP/1.1\r\nHost: other.test\r\nX-Request-Id: lanes-no-route-h\r\n\r\n",
            404,
            "no_route"));
    t.row(
        "405 method not allowed",
        Compare.EXACT,
        false,
        step(
            "DELETE /only HTTP/1.1\r\nHost: other.test\r\nX-Request-Id: lanes-405\r\n\r\n",
            405,
            "method_not_allowed"));
    t.row(
        "full queue: 503 queue_full",
        Compare.EXACT,
        true,
        step(get("/hello"), 503, "queue_full"),
        step(req("HEAD", "/hello", ""), 503, "queue_full"));
    t.row(
        "bad Host: guard refusal",
        Compare.EXACT,
        false,
        step(
            "GET /hello HTTP/1.1\r\nHost: example.test:99999\r\nX-Request-Id: lanes-bad-host\r\n\r\n",
            400,
            "bad_host"));
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void bothLanesAnswerAlike(Row row) throws Exception {
    Holder holdFast = row.holdSlot() ? Holder.hold(fast, row.from()) : null;
    Holder holdGeneral = row.holdSlot() ? Holder.hold(general, row.from()) : null;
    try {
      for (Step step : row.steps()) {
        if (!row.holdSlot()) {
          fast.awaitApp("inflight", 0, IDLE);
          general.awaitApp("inflight", 0, IDLE);
        }
        RawHttp.Message viaFast = send(fast, row.from(), step);
        RawHttp.Message viaGeneral = send(general, row.from(), step);
        assertThat(comparable(viaGeneral, row.compare()))
            .as("%s: %s; --no-fast-lane (actual) vs fast lane (expected)", row, firstLine(step))
            .isEqualTo(comparable(viaFast, row.compare()));
        assertThat(viaFast.statusLine())
            .as("%s: %s", row, firstLine(step))
            .contains(" " + step.status() + " ");
        String body = new String(viaFast.body(), StandardCharsets.UTF_8);
        if (step.reason() != null) {
          assertThat(viaFast.field("Content-Type")).isEqualTo("application/problem+json");
          if (!step.head()) {
            assertThat(body).contains("\"reason\":\"" + step.reason() + "\"");
          }
        }
      }
      if (row.holdSlot()) {
        RawHttp.Message heldFast = holdFast.answer();
        RawHttp.Message heldGeneral = holdGeneral.answer();
        assertThat(comparable(heldGeneral, Compare.EXACT))
            .as("%s: the held request", row)
            .isEqualTo(comparable(heldFast, Compare.EXACT));
        assertThat(new String(heldFast.body(), StandardCharsets.UTF_8))
            .isEqualTo("slept 3000 ms\n");
      }
    } finally {
      close(holdFast);
      close(holdGeneral);
    }
  }

  /** Builds the rows, giving each its own loopback source address. */
  private record Table(List<Row> rows) {
    void row(String name, Compare compare, boolean holdSlot, Step... steps) throws IOException {
      InetAddress from = InetAddress.getByName("127.0.0." + (10 + rows.size()));
      rows.add(new Row(name, from, compare, holdSlot, List.of(steps)));
    }
  }

  /** The slot holder of the full-queue row: a {@code GET /sleep?ms=3000} in flight. */
  private record Holder(Socket socket) {
    static Holder hold(EdgeProcess edge, InetAddress from) throws Exception {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.port(), from, 0);
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("GET /sleep?ms=3000 HTTP/1.1\r\nHost: example.test\r\n"
                      + "X-Request-Id: lanes-hold\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      edge.awaitApp("inflight", 1, IDLE);
      return new Holder(socket);
    }

    RawHttp.Message answer() throws IOException {
      return RawHttp.readMessage(socket.getInputStream(), false);
    }
  }

  private static void close(Holder holder) throws IOException {
    if (holder != null) {
      holder.socket().close();
    }
  }

  /** Sends the step's request on a new connection from {@code from} and reads the response. */
  private static RawHttp.Message send(EdgeProcess edge, InetAddress from, Step step)
      throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.port(), from, 0)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(step.request().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      RawHttp.Message message = RawHttp.readMessage(in, step.head());
      if ("close".equalsIgnoreCase(message.field("Connection"))) {
        assertThat(in.read())
            .as("closed after Connection: close: %s", firstLine(step))
            .isEqualTo(-1);
        return message;
      }
      // The connection must go on: the response ended where its framing said (nothing more, such
      // as a body on a response to HEAD, was sent), and the connection was kept alive.
      out.write(NEXT.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      RawHttp.Message next = RawHttp.readMessage(in, false);
      assertThat(next.statusLine() + " " + new String(next.body(), StandardCharsets.UTF_8))
          .as("the next request on the connection after: %s", firstLine(step))
          .isEqualTo("HTTP/1.1 200 OK ok");
      return message;
    }
  }

  /**
   * What must be equal in both lanes: the status line, then the header fields sorted by name
   * (lower-cased) and value, then the body.
   */
  private static String comparable(RawHttp.Message message, Compare compare) {
    boolean rateLimited = message.statusLine().contains(" 429 ");
    List<String> fields = new ArrayList<>();
    for (Map.Entry<String, String> field : message.fields()) {
      String name = field.getKey().toLowerCase(Locale.ROOT);
      String value = field.getValue();
      if (compare == Compare.SHAPE && !name.equals("content-type")) {
        fields.add(name);
        continue;
      }
      if (name.equals("date")
          || name.equals("ratelimit-reset")
          || (rateLimited && name.equals("retry-after"))) {
        assertThat(value).as(name).matches(name.equals("date") ? ".+ GMT" : SECONDS.pattern());
        value = "<" + name + ">";
      }
      fields.add(name + ": " + value);
    }
    fields.sort(null);
    StringBuilder out = new StringBuilder(message.statusLine()).append('\n');
    fields.forEach(field -> out.append(field).append('\n'));
    if (compare == Compare.EXACT) {
      String body = new String(message.body(), StandardCharsets.ISO_8859_1);
      if (rateLimited) {
        body = RETRY_IN_DETAIL.matcher(body).replaceAll("retry after <retry-after> s");
      }
      out.append('\n').append(body);
    }
    return out.toString();
  }

  private static Step step(String request, int status, String reason) {
    return new Step(request, status, reason);
  }

  private static String get(String target) {
    return req("GET", target, "");
  }

  /** A request to {@code example.test} with a fixed request id and the {@code extra} fields. */
  private static String req(String method, String target, String extra) {
    String id = "lanes-" + method.toLowerCase(Locale.ROOT) + "-" + target.replaceAll("\\W", "_");
    return method
        + " "
        + target
        + " HTTP/1.1\r\nHost: example.test\r\nX-Request-Id: "
        + id
        + "\r\n"
        + extra
        + "\r\n";
  }

  private static String firstLine(Step step) {
    return step.request().substring(0, step.request().indexOf('\r'));
  }

  private static String[] append(String[] options, String option) {
    String[] all = java.util.Arrays.copyOf(options, options.length + 1);
    all[options.length] = option;
    return all;
  }
}
