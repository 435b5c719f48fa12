package dev.edge.statics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentTypesTest {

  @Test
  void knowsTheCommonWebTypesCaseInsensitively() {
    assertThat(ContentTypes.of("index.html")).isEqualTo("text/html; charset=utf-8");
    assertThat(ContentTypes.of("APP.JS")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(ContentTypes.of("a.b.css")).isEqualTo("text/css; charset=utf-8");
    assertThat(ContentTypes.of("app.js.map")).isEqualTo("application/json; charset=utf-8");
    assertThat(ContentTypes.of("notes.md")).isEqualTo("text/markdown; charset=utf-8");
    assertThat(ContentTypes.of("data.csv")).isEqualTo("text/csv; charset=utf-8");
    assertThat(ContentTypes.of("photo.jpeg")).isEqualTo("image/jpeg");
    assertThat(ContentTypes.of("photo.avif")).isEqualTo("image/avif");
    assertThat(ContentTypes.of("favicon.ico")).isEqualTo("image/x-icon");
    assertThat(ContentTypes.of("f.woff")).isEqualTo("font/woff");
    assertThat(ContentTypes.of("f.otf")).isEqualTo("font/otf");
    assertThat(ContentTypes.of("doc.pdf")).isEqualTo("application/pdf");
    assertThat(ContentTypes.of("m.wasm")).isEqualTo("application/wasm");
    assertThat(ContentTypes.of("v.webm")).isEqualTo("video/webm");
    assertThat(ContentTypes.of("s.mp3")).isEqualTo("audio/mpeg");
    assertThat(ContentTypes.of("s.ogg")).isEqualTo("audio/ogg");
    assertThat(ContentTypes.of("feed.xml")).isEqualTo("application/xml; charset=utf-8");
  }

  @Test
  void unknownOrMissingExtensionsAreOctetStream() {
    assertThat(ContentTypes.of("archive.xyz")).isEqualTo("application/octet-stream");
    assertThat(ContentTypes.of("Makefile")).isEqualTo("application/octet-stream");
    assertThat(ContentTypes.of("trailing.")).isEqualTo("application/octet-stream");
    assertThat(ContentTypes.of(".html")).isEqualTo("application/octet-stream");
  }
}
