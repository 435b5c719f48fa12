package dev.edge.statics;

import static dev.edge.statics.StaticServer.header;
import static dev.edge.statics.StaticServer.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DateFormatter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.scheduler.Schedulers;

/**
 * {@link StaticFiles} over a real server and real files: types, methods, HEAD, directories, SPA,
 * header edits, large files, odd names and symlinks ({@link StaticFilesConditionalTest} has
 * validators and ranges, {@link StaticFilesTraversalTest} the ways out of the root).
 */
class StaticFilesTest {

  @TempDir static Path base;
  static StaticServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new StaticServer(base, Schedulers.boundedElastic());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    return server.send("GET", path, headers);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/index.html  | text/html; charset=utf-8",
        "/hello.txt   | text/plain; charset=utf-8",
        "/style.css   | text/css; charset=utf-8",
        "/app.js      | text/javascript; charset=utf-8",
        "/module.mjs  | text/javascript; charset=utf-8",
        "/data.json   | application/json; charset=utf-8",
        "/logo.svg    | image/svg+xml; charset=utf-8",
        "/image.PNG   | image/png",
        "/font.woff2  | font/woff2",
        "/unknown.xyz | application/octet-stream",
        "/noext       | application/octet-stream",
      })
  void contentTypeFollowsTheExtension(String path, String type) throws Exception {
    HttpResponse<byte[]> response = get(path);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(header(response, "Content-Type")).isEqualTo(type);
  }

  @Test
  void aFileComesWithLengthValidatorsAndAcceptRanges() throws Exception {
    Path file = server.root.resolve("hello.txt");
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    long nanos = attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);

    HttpResponse<byte[]> response = get("/hello.txt");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(text(response)).isEqualTo("hello, world\n");
    assertThat(header(response, "Content-Length")).isEqualTo("13");
    assertThat(header(response, "Accept-Ranges")).isEqualTo("bytes");
    assertThat(header(response, "ETag")).isEqualTo("\"d-" + Long.toHexString(nanos) + "\"");
    assertThat(header(response, "Last-Modified"))
        .isEqualTo(DateFormatter.format(new Date(Math.floorDiv(nanos, 1_000_000_000L) * 1000)));
  }

  @Test
  void headSendsTheHeadersOfGetAndNoBody() throws Exception {
    StaticServer.Raw head = server.raw("HEAD", "/hello.txt");
    StaticServer.Raw headRange = server.rawWith("HEAD", "/hello.txt", "Range: bytes=0-1");
    StaticServer.Raw headSpa = server.raw("HEAD", "/spa/some/route");

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.headers())
        .containsEntry("content-length", "13")
        .containsEntry("content-type", "text/plain; charset=utf-8")
        .containsEntry("accept-ranges", "bytes")
        .containsKeys("etag", "last-modified");
    assertThat(head.body()).isEmpty();
    assertThat(headRange.status()).as("Range applies to GET only").isEqualTo(200);
    assertThat(headRange.body()).isEmpty();
    assertThat(headSpa.status()).isEqualTo(200);
    assertThat(headSpa.headers()).containsEntry("content-length", "18");
    assertThat(headSpa.body()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
  void otherMethodsAreNotAllowed(String method) throws Exception {
    StaticServer.Raw response = server.raw(method, "/hello.txt");

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.headers()).containsEntry("allow", "GET, HEAD");
    assertThat(response.problem()).containsEntry("reason", "method_not_allowed");
  }

  @Test
  void aDirectoryRedirectsToItsSlashAndServesItsIndex() throws Exception {
    HttpResponse<byte[]> bare = get("/sub");
    HttpResponse<byte[]> withQuery = get("/sub?a=1&b=%20");
    HttpResponse<byte[]> viaLink = get("/inside-dir");
    HttpResponse<byte[]> routeRoot = get("/edits");
    StaticServer.Raw doubleSlash = server.raw("GET", "//sub");

    assertThat(bare.statusCode()).isEqualTo(301);
    assertThat(header(bare, "Location")).isEqualTo("/sub/");
    assertThat(bare.body()).isEmpty();
    assertThat(header(withQuery, "Location")).isEqualTo("/sub/?a=1&b=%20");
    assertThat(header(viaLink, "Location")).isEqualTo("/inside-dir/");
    assertThat(header(routeRoot, "Location")).isEqualTo("/edits/");
    assertThat(doubleSlash.status()).isEqualTo(301);
    assertThat(doubleSlash.headers()).containsEntry("location", "/sub/");

    assertThat(text(get("/sub/"))).isEqualTo("<h1>sub</h1>");
    assertThat(header(get("/sub/"), "Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(text(get("/"))).isEqualTo("<h1>home</h1>");
    assertThat(text(get("/inside-dir/"))).isEqualTo("<h1>sub</h1>");
    assertThat(text(get("/edits/"))).isEqualTo("<h1>home</h1>");
    assertThat(get("/empty-dir/").statusCode()).isEqualTo(404);
    assertThat(get("/hello.txt/").statusCode()).isEqualTo(404);
  }

  @Test
  void spaFallsBackForExtensionlessPathsThatNameNoFile() throws Exception {
    HttpResponse<byte[]> route = get("/spa/dashboard/users");
    HttpResponse<byte[]> slash = get("/spa/settings/");
    HttpResponse<byte[]> asset = get("/spa/assets/app.js");

    assertThat(route.statusCode()).isEqualTo(200);
    assertThat(text(route)).isEqualTo("<div id=app></div>");
    assertThat(header(route, "Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(header(route, "ETag")).isEqualTo(header(get("/spa/index.html"), "ETag"));
    assertThat(text(slash)).isEqualTo("<div id=app></div>");
    assertThat(text(get("/spa/assets/")))
        .as("a directory without index")
        .isEqualTo("<div id=app></div>");
    assertThat(text(asset)).isEqualTo("app()");
    assertThat(header(asset, "Content-Type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(get("/spa/dashboard", "If-None-Match", header(route, "ETag")).statusCode())
        .isEqualTo(304);
    assertThat(get("/spa/assets/app.3f2a.js").statusCode()).isEqualTo(404);
    assertThat(get("/spa/u/john.doe").statusCode()).isEqualTo(404);
    assertThat(get("/spa/.env").statusCode()).isEqualTo(404);
    assertThat(server.raw("GET", "/spa/../root/hello.txt").status()).isEqualTo(400);
    assertThat(get("/nothing-here").statusCode()).as("no SPA on the plain route").isEqualTo(404);
  }

  @Test
  void responseHeaderEditsApplyToEveryResponseTheHandlerSends() throws Exception {
    String etag = server.etag("/hello.txt");
    Map<String, HttpResponse<byte[]>> responses =
        Map.of(
            "200", get("/edits/hello.txt"),
            "206", get("/edits/hello.txt", "Range", "bytes=0-1"),
            "304", get("/edits/hello.txt", "If-None-Match", etag),
            "301", get("/edits/sub"));

    responses.forEach(
        (status, response) -> {
          assertThat(response.statusCode()).isEqualTo(Integer.parseInt(status));
          assertThat(header(response, "Cache-Control")).as(status).isEqualTo("public, max-age=60");
          assertThat(header(response, "X-Served-By")).as(status).isEqualTo("edge");
          assertThat(header(response, "Accept-Ranges")).as(status).isNull();
        });
    assertThat(header(get("/hello.txt"), "Cache-Control")).isNull();
  }

  @Test
  void aLargeFileArrivesByteExactWholeAndInRanges() throws Exception {
    byte[] big = server.big;

    HttpResponse<byte[]> whole = get("/big.bin");
    HttpResponse<byte[]> middle = get("/big.bin", "Range", "bytes=1000000-3999999");
    HttpResponse<byte[]> tail = get("/big.bin", "Range", "bytes=-123");

    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(header(whole, "Content-Length")).isEqualTo(Integer.toString(big.length));
    assertThat(Arrays.equals(whole.body(), big)).as("whole body byte-exact").isTrue();
    assertThat(middle.statusCode()).isEqualTo(206);
    assertThat(header(middle, "Content-Range")).isEqualTo("bytes 1000000-3999999/" + big.length);
    assertThat(Arrays.equals(middle.body(), Arrays.copyOfRange(big, 1_000_000, 4_000_000)))
        .as("range byte-exact")
        .isTrue();
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(big, big.length - 123, big.length));
  }

  @Test
  void namesThatOnlyLookOddAreServed() throws Exception {
    assertThat(text(get("/a..b"))).isEqualTo("dots inside a name");
    assertThat(text(get("/100%25.txt"))).isEqualTo("percent");
    assertThat(text(get("/caf%C3%A9.txt"))).isEqualTo("utf-8 name");
    assertThat(server.raw("GET", "/caf\u00c3\u00a9.txt").text())
        .as("raw UTF-8 octets in the request line")
        .isEqualTo("utf-8 name");
    assertThat(text(get("/%68ello.txt"))).isEqualTo("hello, world\n");
    assertThat(text(get("/sub/../hello.txt".replace("..", "%2e%2e")))).isEqualTo("hello, world\n");
    assertThat(text(get("/.well-known/security.txt"))).startsWith("Contact:");
    assertThat(get("/sub/..b").statusCode()).as("a name starting with a dot").isEqualTo(404);
  }

  @Test
  void symlinksInsideTheRootAreFollowed() throws Exception {
    assertThat(text(get("/inside-link.txt"))).isEqualTo("hello, world\n");
    assertThat(header(get("/inside-link.txt"), "Content-Type"))
        .isEqualTo("text/plain; charset=utf-8");
    assertThat(text(get("/inside-dir/page.html"))).isEqualTo("<p>page</p>");
  }

  @Test
  void anEmptyFileHasLengthZero() throws Exception {
    HttpResponse<byte[]> response = get("/empty.txt");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(header(response, "Content-Length")).isEqualTo("0");
    assertThat(response.body()).isEmpty();
  }

  @Test
  void aMissingRootIsAnInternalErrorThatDoesNotNameIt() throws Exception {
    StaticServer.Raw response = server.raw("GET", "/gone/x.txt");

    assertThat(response.status()).isEqualTo(500);
    assertThat(response.problem()).containsEntry("reason", "internal_error");
    assertThat(response.text()).doesNotContain(base.toString()).doesNotContain("nope");
  }

  @Test
  void aFifoIsNeverOpened() throws Exception {
    Path fifo = server.root.resolve("pipe");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).as("mkfifo (coreutils) made the FIFO").isZero();

    StaticServer.Raw response = server.raw("GET", "/pipe");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.problem()).containsEntry("reason", "not_found");
  }
}
