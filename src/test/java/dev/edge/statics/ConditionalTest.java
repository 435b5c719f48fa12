package dev.edge.statics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConditionalTest {

  // 2024-01-02T03:04:05.678901234Z
  private static final StaticFile FILE =
      new StaticFile(Path.of("/x/a.txt"), "a.txt", 100, 1_704_164_645_678_901_234L);
  private static final long NOW = 1_800_000_000_000L;

  private static HttpHeaders headers(String... pairs) {
    HttpHeaders headers = new DefaultHttpHeaders();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  @Test
  void theFileDescribesItsValidators() {
    assertThat(FILE.etag()).isEqualTo("\"64-17a668b7587867f2\"");
    assertThat(FILE.lastModified()).isEqualTo("Tue, 02 Jan 2024 03:04:05 GMT");
    assertThat(FILE.contentType()).isEqualTo("text/plain; charset=utf-8");
  }

  @Test
  void ifNoneMatchComparesWeaklyAndAcceptsStar() {
    String tag = FILE.etag();

    assertThat(Conditional.listsTag(tag, tag)).isTrue();
    assertThat(Conditional.listsTag("W/" + tag, tag)).isTrue();
    assertThat(Conditional.listsTag("\"x\",W/\"y\" , " + tag, tag)).isTrue();
    assertThat(Conditional.listsTag("\"a,b\", " + tag, tag)).isTrue();
    assertThat(Conditional.listsTag("*", tag)).isTrue();
    assertThat(Conditional.listsTag("\"x\"", tag)).isFalse();
    assertThat(Conditional.listsTag(tag.replace("\"", ""), tag)).isFalse();
    assertThat(Conditional.listsTag("\"unterminated", tag)).isFalse();
    assertThat(Conditional.listsTag("", tag)).isFalse();
  }

  @Test
  void ifNoneMatchWinsOverIfModifiedSince() {
    String date = FILE.lastModified();

    assertThat(Conditional.notModified(headers("If-None-Match", FILE.etag()), FILE, NOW)).isTrue();
    assertThat(
            Conditional.notModified(
                headers("If-None-Match", "\"a\"", "If-None-Match", FILE.etag()), FILE, NOW))
        .isTrue();
    assertThat(Conditional.notModified(headers("If-Modified-Since", date), FILE, NOW)).isTrue();
    assertThat(
            Conditional.notModified(
                headers("If-None-Match", "\"x\"", "If-Modified-Since", date), FILE, NOW))
        .isFalse();
  }

  @Test
  void ifModifiedSinceNeedsOneValidDateNotInTheFuture() {
    assertThat(
            Conditional.notModified(
                headers("If-Modified-Since", "Tue, 02 Jan 2024 03:04:04 GMT"), FILE, NOW))
        .isFalse();
    assertThat(
            Conditional.notModified(
                headers("If-Modified-Since", "Wed, 03 Jan 2024 00:00:00 GMT"), FILE, NOW))
        .isTrue();
    assertThat(
            Conditional.notModified(
                headers("If-Modified-Since", "Tuesday, 02-Jan-24 03:04:05 GMT"), FILE, NOW))
        .isTrue();
    assertThat(
            Conditional.notModified(
                headers("If-Modified-Since", "Sun, 01 Jan 2040 00:00:00 GMT"), FILE, NOW))
        .isFalse();
    assertThat(Conditional.notModified(headers("If-Modified-Since", "soon"), FILE, NOW)).isFalse();
    assertThat(Conditional.notModified(headers(), FILE, NOW)).isFalse();
  }

  @Test
  void ifRangeNeedsTheStrongTagOrTheExactDate() {
    assertThat(Conditional.rangeStillValid(null, FILE)).isTrue();
    assertThat(Conditional.rangeStillValid(FILE.etag(), FILE)).isTrue();
    assertThat(Conditional.rangeStillValid(FILE.lastModified(), FILE)).isTrue();
    assertThat(Conditional.rangeStillValid("W/" + FILE.etag(), FILE)).isFalse();
    assertThat(Conditional.rangeStillValid("\"other\"", FILE)).isFalse();
    assertThat(Conditional.rangeStillValid("Wed, 03 Jan 2024 00:00:00 GMT", FILE)).isFalse();
    assertThat(Conditional.rangeStillValid("whenever", FILE)).isFalse();
  }
}
