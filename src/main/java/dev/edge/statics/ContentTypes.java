package dev.edge.statics;

import java.util.Locale;
import java.util.Map;

/**
 * {@code Content-Type} from a file name's extension, from a built-in table of the common web types.
 * Textual types ({@code text/*}, JSON, XML, SVG, the web manifest) get {@code ; charset=utf-8};
 * anything unknown, and names without an extension, are {@value #DEFAULT}.
 */
final class ContentTypes {

  /** The type of unknown files: browsers download rather than render them. */
  static final String DEFAULT = "application/octet-stream";

  private static final String UTF8 = "; charset=utf-8";

  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          // documents and code
          Map.entry("html", "text/html" + UTF8),
          Map.entry("htm", "text/html" + UTF8),
          Map.entry("css", "text/css" + UTF8),
          Map.entry("js", "text/javascript" + UTF8),
          Map.entry("mjs", "text/javascript" + UTF8),
          Map.entry("cjs", "text/javascript" + UTF8),
          Map.entry("json", "application/json" + UTF8),
          Map.entry("map", "application/json" + UTF8),
          Map.entry("jsonld", "application/ld+json" + UTF8),
          Map.entry("webmanifest", "application/manifest+json" + UTF8),
          Map.entry("xml", "application/xml" + UTF8),
          Map.entry("rss", "application/rss+xml" + UTF8),
          Map.entry("atom", "application/atom+xml" + UTF8),
          Map.entry("txt", "text/plain" + UTF8),
          Map.entry("csv", "text/csv" + UTF8),
          Map.entry("md", "text/markdown" + UTF8),
          Map.entry("vtt", "text/vtt" + UTF8),
          Map.entry("ics", "text/calendar" + UTF8),
          Map.entry("yaml", "application/yaml" + UTF8),
          Map.entry("yml", "application/yaml" + UTF8),
          Map.entry("pdf", "application/pdf"),
          Map.entry("wasm", "application/wasm"),
          // images
          Map.entry("svg", "image/svg+xml" + UTF8),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("avif", "image/avif"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("bmp", "image/bmp"),
          // fonts
          Map.entry("woff", "font/woff"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("ttf", "font/ttf"),
          Map.entry("otf", "font/otf"),
          Map.entry("eot", "application/vnd.ms-fontobject"),
          // audio and video
          Map.entry("mp4", "video/mp4"),
          Map.entry("webm", "video/webm"),
          Map.entry("ogv", "video/ogg"),
          Map.entry("mp3", "audio/mpeg"),
          Map.entry("ogg", "audio/ogg"),
          Map.entry("oga", "audio/ogg"),
          Map.entry("opus", "audio/ogg"),
          Map.entry("wav", "audio/wav"),
          Map.entry("m4a", "audio/mp4"),
          Map.entry("aac", "audio/aac"),
          Map.entry("flac", "audio/flac"),
          // archives
          Map.entry("zip", "application/zip"),
          Map.entry("gz", "application/gzip"),
          Map.entry("tar", "application/x-tar"));

  private ContentTypes() {}

  /** The type for {@code fileName} (a name, not a path); the extension is case-insensitive. */
  static String of(String fileName) {
    int dot = fileName.lastIndexOf('.');
    if (dot <= 0 || dot == fileName.length() - 1) {
      return DEFAULT;
    }
    String extension = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    return BY_EXTENSION.getOrDefault(extension, DEFAULT);
  }
}
