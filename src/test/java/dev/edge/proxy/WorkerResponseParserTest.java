package dev.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every framing rule of {@link WorkerResponseParser}, each response fed whole, split in two at
 * every byte boundary, and one byte at a time: the result must be the same whatever the reads.
 */
class WorkerResponseParserTest {

  private static final String OK = "HTTP/1.1 200 OK\r\n";

  static Stream<Arguments> framing() {
    return Stream.of(
        ok(
            "content length",
            OK + "Content-Length: 5\r\nX-A: b\r\n\r\nhello",
            false,
            false,
            200,
            List.of("Content-Length: 5", "X-A: b"),
            "hello",
            List.of(),
            true),
        ok(
            "empty body",
            OK + "Content-Length: 0\r\n\r\n",
            false,
            false,
            200,
            List.of("Content-Length: 0"),
            "",
            List.of(),
            true),
        ok(
            "chunked with extensions and trailers",
            OK
                + "Transfer-Encoding: chunked\r\n\r\n5;ext=1;foo\r\nhello\r\n6 ; q=\"a;b\"\r\n"
                + " world\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\nX-Other:  u \r\n\r\n",
            false,
            false,
            200,
            List.of("Transfer-Encoding: chunked"),
            "hello world0123456789",
            List.of("X-Trailer: t", "X-Other: u"),
            true),
        ok(
            "chunked, no trailers",
            "HTTP/1.1 201 Created\r\nTransfer-Encoding: CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            false,
            false,
            201,
            List.of("Transfer-Encoding: CHUNKED"),
            "abc",
            List.of(),
            true),
        ok(
            "gzip then chunked",
            OK + "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n",
            false,
            false,
            200,
            List.of("Transfer-Encoding: gzip, chunked"),
            "xy",
            List.of(),
            true),
        ok(
            "forbidden trailer fields dropped",
            OK
                + "Transfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\nContent-Length: 9\r\nT: 1\r\n\r\n",
            false,
            false,
            200,
            List.of("Transfer-Encoding: chunked"),
            "z",
            List.of("T: 1"),
            true),
        ok(
            "HEAD: no body whatever the length",
            OK + "Content-Length: 100\r\n\r\n",
            true,
            false,
            200,
            List.of("Content-Length: 100"),
            "",
            List.of(),
            true),
        ok(
            "HEAD: no body though chunked",
            OK + "Transfer-Encoding: chunked\r\n\r\n",
            true,
            false,
            200,
            List.of("Transfer-Encoding: chunked"),
            "",
            List.of(),
            true),
        ok(
            "1xx skipped",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n"
                + "\r\n"
                + OK
                + "Content-Length: 2\r\n\r\nok",
            false,
            false,
            200,
            List.of("Content-Length: 2"),
            "ok",
            List.of(),
            true),
        ok(
            "204: no body",
            "HTTP/1.1 204 No Content\r\nX: y\r\n\r\n",
            false,
            false,
            204,
            List.of("X: y"),
            "",
            List.of(),
            true),
        ok(
            "304: no body whatever the length",
            "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n" + "\r\n",
            false,
            false,
            304,
            List.of("Content-Length: 10"),
            "",
            List.of(),
            true),
        ok(
            "to the end of the connection",
            OK + "X: y\r\n\r\nuntil the end",
            false,
            true,
            200,
            List.of("X: y"),
            "until the end",
            List.of(),
            false),
        ok(
            "a coding without chunked: to the end",
            OK + "Transfer-Encoding: gzip\r\n\r\nzz",
            false,
            true,
            200,
            List.of("Transfer-Encoding: gzip"),
            "zz",
            List.of(),
            false),
        ok(
            "HTTP/1.0 closes",
            "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\na",
            false,
            false,
            200,
            List.of("Content-Length: 1"),
            "a",
            List.of(),
            false),
        ok(
            "HTTP/1.0 with keep-alive",
            "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n" + "Content-Length: 1\r\n\r\na",
            false,
            false,
            200,
            List.of("Connection: Keep-Alive", "Content-Length: 1"),
            "a",
            List.of(),
            true),
        ok(
            "Connection: close",
            OK + "Connection: foo, close\r\nContent-Length: 1\r\n\r\na",
            false,
            false,
            200,
            List.of("Connection: foo, close", "Content-Length: 1"),
            "a",
            List.of(),
            false),
        ok(
            "folded value, space before the colon, leading CRLF",
            "\r\n" + OK + "X-Fold: a\r\n  b\r\nX-Sp : c\r\nContent-Length: 0\r\n\r\n",
            false,
            false,
            200,
            List.of("X-Fold: a b", "X-Sp: c", "Content-Length: 0"),
            "",
            List.of(),
            true),
        ok(
            "a reason phrase of its own, empty value",
            "HTTP/1.1 299 Fine Thanks\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n",
            false,
            false,
            299,
            List.of("X-Empty: ", "Content-Length: 0"),
            "",
            List.of(),
            true),
        ok(
            "101 ends the response",
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nraw",
            false,
            false,
            101,
            List.of("Upgrade: x"),
            "",
            List.of(),
            false),
        failed("negative length", OK + "Content-Length: -1\r\n\r\n", false, false, 0),
        failed("a length that is no number", OK + "Content-Length: 1a\r\n\r\n", false, false, 0),
        failed("a length list", OK + "Content-Length: 1, 1\r\n\r\na", false, false, 0),
        failed(
            "two equal lengths",
            OK + "Content-Length: 1\r\nContent-Length: 1\r\n\r\na",
            false,
            false,
            0),
        failed(
            "two lengths",
            OK + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            false,
            false,
            0),
        failed(
            "length and chunked",
            OK + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n" + "0\r\n\r\n",
            false,
            false,
            0),
        failed(
            "length and chunked, HEAD",
            OK + "Transfer-Encoding: chunked\r\nContent-Length: 3" + "\r\n\r\n",
            true,
            false,
            0),
        failed(
            "chunked not last", OK + "Transfer-Encoding: chunked, gzip\r\n\r\n", false, false, 0),
        failed(
            "chunked twice",
            OK + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n" + "\r\n",
            false,
            false,
            0),
        failed("no status code", "HTTP/1.1 2x0 OK\r\n\r\n", false, false, 0),
        failed("a four-digit status", "HTTP/1.1 2000 OK\r\n\r\n", false, false, 0),
        failed("not HTTP", "ICY 200 OK\r\n\r\n", false, false, 0),
        failed("a header line without a colon", OK + "Oops\r\n\r\n", false, false, 0),
        failed("whitespace in a name", OK + "X Y: z\r\n\r\n", false, false, 0),
        failed("a bare CR in a value", OK + "X: a\rb\r\n\r\n", false, false, 0),
        failed("a bare LF", "HTTP/1.1 200 OK\nContent-Length: 0\n\n", false, false, 0),
        failed(
            "a bare LF after a chunk",
            OK + "Transfer-Encoding: chunked\r\n\r\n1\r\na\n0\r\n\r\n",
            false,
            false,
            200),
        failed(
            "a bad chunk size", OK + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", false, false, 200),
        failed(
            "a chunk longer than its size",
            OK + "Transfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
            false,
            false,
            200),
        failed("cut short (length)", OK + "Content-Length: 10\r\n\r\nabc", false, true, 200),
        failed(
            "cut short (chunked)",
            OK + "Transfer-Encoding: chunked\r\n\r\n5\r\nab",
            false,
            true,
            200),
        failed("cut short (head)", OK + "Content-Le", false, true, 0),
        failed(
            "a status line too long",
            "HTTP/1.1 200 " + "x".repeat(8190) + "\r\n\r\n",
            false,
            false,
            0),
        failed(
            "fields too large",
            OK + ("X: " + "y".repeat(1000) + "\r\n").repeat(33) + "\r\n",
            false,
            false,
            0),
        failed(
            "a chunk line too long",
            OK + "Transfer-Encoding: chunked\r\n\r\n1;" + "e".repeat(8200) + "\r\n",
            false,
            false,
            200));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("framing")
  void everySplitGivesTheSameResponse(
      String name, String wire, boolean head, boolean close, ParsedResponse expected) {
    byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
    assertThat(ParsedResponse.parse(List.of(bytes), head, close))
        .as("whole")
        .satisfies(r -> same(r, expected));
    assertThat(ParsedResponse.parse(ParsedResponse.bytewise(bytes), head, close))
        .as("byte by byte")
        .satisfies(r -> same(r, expected));
    int step = bytes.length > 2000 ? 97 : 1; // the long ones: every 97th boundary and the ends
    for (int at = 0; at <= bytes.length; at += at < 20 || at > bytes.length - 20 ? 1 : step) {
      int split = at;
      assertThat(ParsedResponse.parse(ParsedResponse.split(bytes, at), head, close))
          .as("split at %d", split)
          .satisfies(r -> same(r, expected));
    }
  }

  @Test
  void bytesAfterTheResponseInTheSameReadMakeTheConnectionUnusable() {
    byte[] bytes =
        (OK + "Content-Length: 1\r\n\r\naHTTP/1.1").getBytes(StandardCharsets.ISO_8859_1);
    ParsedResponse whole = ParsedResponse.parse(List.of(bytes), false, false);
    assertThat(whole.body()).isEqualTo("a");
    assertThat(whole.ended()).isTrue();
    assertThat(whole.reusable()).isFalse();
    // in a later read they reach no parser: the handler closes a connection that talks unasked
    ParsedResponse split =
        ParsedResponse.parse(ParsedResponse.split(bytes, bytes.length - 8), false, false);
    assertThat(split.reusable()).isTrue();
  }

  private static void same(ParsedResponse actual, ParsedResponse expected) {
    if (expected.error() != null) {
      assertThat(actual.error()).as("error").isNotNull();
      assertThat(actual.ended()).as("ended").isFalse();
      assertThat(actual.status()).as("status").isEqualTo(expected.status());
    } else {
      assertThat(actual).isEqualTo(expected);
    }
  }

  private static Arguments ok(
      String name,
      String wire,
      boolean head,
      boolean close,
      int status,
      List<String> headers,
      String body,
      List<String> trailers,
      boolean reusable) {
    String reason = wire.substring(wire.indexOf(" " + status + " ") + 5).split("\r?\n", 2)[0];
    return Arguments.of(
        name,
        wire,
        head,
        close,
        new ParsedResponse(status, reason, headers, body, trailers, true, reusable, null));
  }

  private static Arguments failed(
      String name, String wire, boolean head, boolean close, int statusBeforeTheError) {
    return Arguments.of(
        name,
        wire,
        head,
        close,
        new ParsedResponse(
            statusBeforeTheError, null, List.of(), "", List.of(), false, false, "error"));
  }
}
