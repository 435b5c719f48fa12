package dev.edge.statics;

import static dev.edge.statics.StaticServer.header;
import static dev.edge.statics.StaticServer.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DateFormatter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Date;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.scheduler.Schedulers;

/** Validators, conditional requests and ranges of {@link StaticFiles}, over a real server. */
class StaticFilesConditionalTest {

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

  @Test
  void theEtagChangesWhenTheFileDoes() throws Exception {
    Path file = server.root.resolve("changing.txt");
    Files.writeString(file, "one");
    String before = server.etag("/changing.txt");
    Files.writeString(file, "two");
    Files.setLastModifiedTime(
        file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 1));

    assertThat(server.etag("/changing.txt")).isNotEqualTo(before);
    assertThat(text(get("/changing.txt", "If-None-Match", before))).isEqualTo("two");
  }

  @Test
  void ifNoneMatchGivesNotModifiedWithValidatorsAndNoBody() throws Exception {
    String etag = server.etag("/hello.txt");
    String weak = "W/" + etag;

    for (String value : new String[] {etag, weak, "\"nope\", " + etag, "*", "\"a,b\" ," + weak}) {
      HttpResponse<byte[]> response = get("/hello.txt", "If-None-Match", value);
      assertThat(response.statusCode()).as(value).isEqualTo(304);
      assertThat(response.body()).as(value).isEmpty();
      assertThat(header(response, "ETag")).isEqualTo(etag);
      assertThat(header(response, "Last-Modified")).isNotNull();
    }
    HttpResponse<byte[]> other = get("/hello.txt", "If-None-Match", "\"nope\", W/\"d-1\"");
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(text(other)).isEqualTo("hello, world\n");
  }

  @Test
  void ifModifiedSinceGivesNotModifiedOnlyWithoutIfNoneMatch() throws Exception {
    String lastModified = header(get("/hello.txt"), "Last-Modified");
    Date date = DateFormatter.parseHttpDate(lastModified);
    String before = DateFormatter.format(new Date(date.getTime() - 1000));

    HttpResponse<byte[]> same = get("/hello.txt", "If-Modified-Since", lastModified);
    HttpResponse<byte[]> older = get("/hello.txt", "If-Modified-Since", before);
    HttpResponse<byte[]> future =
        get("/hello.txt", "If-Modified-Since", "Fri, 01 Jan 2500 00:00:00 GMT");
    HttpResponse<byte[]> garbage = get("/hello.txt", "If-Modified-Since", "yesterday");
    HttpResponse<byte[]> tagWins =
        get("/hello.txt", "If-None-Match", "\"nope\"", "If-Modified-Since", lastModified);

    assertThat(same.statusCode()).isEqualTo(304);
    assertThat(same.body()).isEmpty();
    assertThat(header(same, "Last-Modified")).isEqualTo(lastModified);
    assertThat(header(same, "ETag")).isNotNull();
    assertThat(older.statusCode()).isEqualTo(200);
    assertThat(future.statusCode()).isEqualTo(200);
    assertThat(garbage.statusCode()).isEqualTo(200);
    assertThat(tagWins.statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "bytes=0-4      | bytes 0-4/13  | hello",
        "bytes=7-       | bytes 7-12/13 | 'world\n'",
        "bytes=-6       | bytes 7-12/13 | 'world\n'",
        "bytes=-100     | bytes 0-12/13 | 'hello, world\n'",
        "bytes=5-1000   | bytes 5-12/13 | ', world\n'",
        "BYTES=12-12    | bytes 12-12/13 | '\n'",
      })
  void aSingleRangeGivesPartialContent(String range, String contentRange, String body)
      throws Exception {
    String expected = body.replace("\\n", "\n");

    HttpResponse<byte[]> response = get("/hello.txt", "Range", range);

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(header(response, "Content-Range")).isEqualTo(contentRange);
    assertThat(header(response, "Content-Length")).isEqualTo(Integer.toString(expected.length()));
    assertThat(text(response)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"bytes=0-1\\,3-4", "bytes=abc", "bytes=4-2", "items=0-1", "bytes=", "bytes=--1"})
  void severalOrMalformedRangesAreIgnored(String range) throws Exception {
    HttpResponse<byte[]> response = get("/hello.txt", "Range", range);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(header(response, "Content-Range")).isNull();
    assertThat(text(response)).isEqualTo("hello, world\n");
  }

  @Test
  void aRangePastTheEndIsNotSatisfiable() throws Exception {
    for (String[] c :
        new String[][] {
          {"/hello.txt", "bytes=13-", "13"},
          {"/hello.txt", "bytes=-0", "13"},
          {"/empty.txt", "bytes=0-", "0"}
        }) {
      StaticServer.Raw response = server.rawWith("GET", c[0], "Range: " + c[1]);
      assertThat(response.status()).as(c[1]).isEqualTo(416);
      assertThat(response.headers()).containsEntry("content-range", "bytes */" + c[2]);
      assertThat(response.headers()).containsEntry("content-type", "application/problem+json");
      assertThat(response.problem()).containsEntry("reason", "range_not_satisfiable");
    }
  }

  @Test
  void ifRangeHonoursTheRangeOnlyForTheCurrentFile() throws Exception {
    HttpResponse<byte[]> current = get("/hello.txt");
    String etag = header(current, "ETag");
    String lastModified = header(current, "Last-Modified");

    assertThat(get("/hello.txt", "Range", "bytes=0-4", "If-Range", etag).statusCode())
        .isEqualTo(206);
    assertThat(get("/hello.txt", "Range", "bytes=0-4", "If-Range", lastModified).statusCode())
        .isEqualTo(206);
    for (String stale :
        new String[] {"\"d-1\"", "W/" + etag, "Thu, 01 Jan 1970 00:00:00 GMT", "garbage"}) {
      HttpResponse<byte[]> response = get("/hello.txt", "Range", "bytes=0-4", "If-Range", stale);
      assertThat(response.statusCode()).as(stale).isEqualTo(200);
      assertThat(text(response)).isEqualTo("hello, world\n");
    }
    assertThat(get("/hello.txt", "Range", "bytes=99-", "If-Range", "\"d-1\"").statusCode())
        .as("a stale If-Range means the whole file, even for a range past the end")
        .isEqualTo(200);
  }
}
