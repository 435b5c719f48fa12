package dev.edge.statics;

import dev.edge.ErrorResponder;
import dev.edge.edgefile.HeaderRules;
import dev.edge.edgefile.RouteAction;
import dev.edge.sdk.EdgeWorker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Reactor Netty server whose handler routes to {@link StaticFiles}, over a temporary tree:
 *
 * <pre>
 * base/secret.txt, base/outside/secret.txt      outside every root
 * base/root/                                     route "" (everything not below)
 * base/root/ under /edits                        the same root with response header edits
 * base/spa/  under /spa                          SPA fallback to index.html
 * base/nope  under /gone                         a root that does not exist
 * /ping                                          "pong", not static
 * </pre>
 */
final class StaticServer implements AutoCloseable {

  static final JsonMapper JSON = JsonMapper.builder().build();

  static final HeaderRules.Edits EDITS =
      new HeaderRules.Edits(
          Map.of("Cache-Control", "public, max-age=60", "X-Served-By", "edge"),
          List.of("Accept-Ranges"));

  final Path base;
  final Path root;
  final Path spa;
  final byte[] big;
  private final DisposableServer server;
  private final LoopResources loops;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  StaticServer(Path base, Scheduler fileIo) throws IOException {
    this.base = base;
    this.root = base.resolve("root");
    this.spa = base.resolve("spa");
    this.big = new byte[5 * 1024 * 1024 + 123];
    new Random(42).nextBytes(big);
    fill();
    StaticFiles files = new StaticFiles(fileIo);
    ErrorResponder errors = new ErrorResponder();
    RouteAction.Static plain = new RouteAction.Static(root, "index.html", null);
    RouteAction.Static spaRoute = new RouteAction.Static(spa, "index.html", "index.html");
    RouteAction.Static gone = new RouteAction.Static(base.resolve("nope"), "index.html", null);
    loops = LoopResources.create("static-test", 1, true);
    // Like EdgeServer's listener, with the keep-alive read-stall workaround (reactor-netty#4361).
    server =
        EdgeWorker.keepReading(HttpServer.create())
            .host("127.0.0.1")
            .port(0)
            .runOn(loops)
            .handle(
                (req, res) -> {
                  String uri = req.uri();
                  int query = uri.indexOf('?');
                  String path = query < 0 ? uri : uri.substring(0, query);
                  Mono<Void> answer;
                  if (path.equals("/ping")) {
                    answer = res.sendString(Mono.just("pong")).then();
                  } else if (under(path, "/spa")) {
                    answer =
                        files.serve(spaRoute, path.substring(4), req, res, HeaderRules.Edits.NONE);
                  } else if (under(path, "/edits")) {
                    answer = files.serve(plain, path.substring(6), req, res, EDITS);
                  } else if (under(path, "/gone")) {
                    answer = files.serve(gone, path.substring(5), req, res, HeaderRules.Edits.NONE);
                  } else {
                    answer = files.serve(plain, path, req, res, HeaderRules.Edits.NONE);
                  }
                  return answer.onErrorResume(e -> errors.respond(e, req, res, "req-test"));
                })
            .bindNow();
  }

  private static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  private void fill() throws IOException {
    Files.writeString(base.resolve("secret.txt"), "top secret");
    Files.createDirectories(base.resolve("outside"));
    Files.writeString(base.resolve("outside/secret.txt"), "outside secret");
    Files.createDirectories(root.resolve("sub"));
    Files.createDirectories(root.resolve("empty-dir"));
    Files.createDirectories(root.resolve(".git"));
    Files.createDirectories(root.resolve(".well-known"));
    write("index.html", "<h1>home</h1>");
    write("hello.txt", "hello, world\n");
    write("style.css", "body{}");
    write("app.js", "console.log(1)");
    write("module.mjs", "export{}");
    write("data.json", "{}");
    write("logo.svg", "<svg/>");
    write("image.PNG", "png");
    write("font.woff2", "woff2");
    write("unknown.xyz", "?");
    write("noext", "no extension");
    write("a..b", "dots inside a name");
    write("sub/index.html", "<h1>sub</h1>");
    write("sub/page.html", "<p>page</p>");
    write("sub/..b", "a name starting with two dots");
    write("empty.txt", "");
    write(".env", "SECRET=1");
    write(".git/config", "[core]");
    write(".well-known/security.txt", "Contact: mailto:security@example.com");
    write("sub/.hidden", "hidden");
    write("100%.txt", "percent");
    write("caf\u00e9.txt", "utf-8 name");
    Files.write(root.resolve("big.bin"), big);
    Files.createSymbolicLink(root.resolve("inside-link.txt"), Path.of("hello.txt"));
    Files.createSymbolicLink(root.resolve("inside-dir"), Path.of("sub"));
    Files.createSymbolicLink(
        root.resolve("outside-link.txt"), Path.of("..", "outside", "secret.txt"));
    Files.createSymbolicLink(root.resolve("outside-dir"), Path.of("..", "outside"));
    Files.createSymbolicLink(root.resolve("absolute-link.txt"), base.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("dotfile-link.txt"), Path.of(".env"));
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    Files.createDirectories(spa.resolve("assets"));
    Files.writeString(spa.resolve("index.html"), "<div id=app></div>");
    Files.writeString(spa.resolve("assets/app.js"), "app()");
  }

  private void write(String name, String content) throws IOException {
    Files.writeString(root.resolve(name), content);
  }

  int port() {
    return server.port();
  }

  /** Sends a request with java.net.http; {@code headers} are name, value pairs. */
  HttpResponse<byte[]> send(String method, String path, String... headers)
      throws IOException, InterruptedException {
    return client.send(request(method, path, headers), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpRequest request(String method, String path, String... headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder.build();
  }

  /** The {@code ETag} a GET of {@code path} answers with. */
  String etag(String path) throws IOException, InterruptedException {
    return send("GET", path).headers().firstValue("ETag").orElseThrow();
  }

  static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  HttpClient client() {
    return client;
  }

  /** A response read off a raw socket. */
  record Raw(int status, Map<String, String> headers, byte[] body) {

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The problem+json body as a map. */
    @SuppressWarnings("unchecked")
    Map<String, Object> problem() {
      return JSON.readValue(body, Map.class);
    }
  }

  /**
   * Sends {@code GET target} byte for byte (no client-side normalization) and reads the response
   * until the server closes the connection.
   */
  Raw raw(String method, String target) throws IOException {
    return rawRequest(
        method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  }

  /** Like {@link #raw}, with one more header line ({@code "Range: bytes=0-1"}). */
  Raw rawWith(String method, String target, String headerLine) throws IOException {
    return rawRequest(
        method
            + " "
            + target
            + " HTTP/1.1\r\nHost: localhost\r\n"
            + headerLine
            + "\r\nConnection: close\r\n\r\n");
  }

  /** Sends {@code request} (a whole HTTP/1.1 request head) as is; see {@link #raw}. */
  Raw rawRequest(String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      byte[] all = readAll(socket.getInputStream());
      int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
      return new Raw(
          Integer.parseInt(lines[0].split(" ")[1]),
          headers,
          Arrays.copyOfRange(all, end + 4, all.length));
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("no end of headers in " + data.length + " bytes");
  }

  @Override
  public void close() {
    server.disposeNow();
    loops.disposeLater().block(Duration.ofSeconds(10));
  }
}
