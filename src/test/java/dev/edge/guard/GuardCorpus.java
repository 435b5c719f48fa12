package dev.edge.guard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The malformed-request corpus in {@code src/test/resources/guard/corpus} (format in its README):
 * each file's expected status and reason, and its request bytes with the escapes resolved.
 */
public final class GuardCorpus {

  /** One corpus case. */
  public record Case(String name, int status, String reason, byte[] request) {
    @Override
    public String toString() {
      return name;
    }
  }

  private GuardCorpus() {}

  /** Every case, in file-name order. */
  public static List<Case> all() {
    URL folder = GuardCorpus.class.getResource("/guard/corpus");
    if (folder == null) {
      throw new IllegalStateException("guard/corpus is not on the test class path");
    }
    try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
      List<Case> cases = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".http")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          cases.add(parse(file.getFileName().toString(), in.readAllBytes()));
        }
      }
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses one file: comment lines, then the request with escapes resolved. */
  public static Case parse(String name, byte[] file) {
    String text = new String(file, StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    int first = 0;
    while (first < lines.length && lines[first].startsWith("#")) {
      first++;
    }
    String[] expect = lines[0].trim().split("\\s+");
    if (expect.length != 4 || !expect[1].equals("expect")) {
      throw new IllegalArgumentException(
          name + ": first line must be '# expect <status> <reason>'");
    }
    StringBuilder request = new StringBuilder();
    for (int i = first; i < lines.length; i++) {
      request.append(lines[i]);
    }
    return new Case(name, Integer.parseInt(expect[2]), expect[3], unescape(name, request));
  }

  static byte[] unescape(String name, CharSequence in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length());
    for (int i = 0; i < in.length(); i++) {
      char c = in.charAt(i);
      if (c != '\\') {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      if (i + 1 >= in.length()) {
        throw new IllegalArgumentException(name + ": a lone backslash at the end");
      }
      char e = in.charAt(++i);
      switch (e) {
        case 'r' -> out.write('\r');
        case 'n' -> out.write('\n');
        case 't' -> out.write('\t');
        case 's' -> out.write(' ');
        case '0' -> out.write(0);
        case '\\' -> out.write('\\');
        case 'x' -> {
          out.write(Integer.parseInt(in.subSequence(i + 1, i + 3).toString(), 16));
          i += 2;
        }
        case '[' -> {
          int close = indexOf(in, ']', i);
          int count = Integer.parseInt(in.subSequence(i + 1, close).toString());
          byte[] unit = String.valueOf(in.charAt(close + 1)).getBytes(StandardCharsets.UTF_8);
          for (int k = 0; k < count; k++) {
            out.writeBytes(unit);
          }
          i = close + 1;
        }
        default -> throw new IllegalArgumentException(name + ": unknown escape \\" + e);
      }
    }
    return out.toByteArray();
  }

  private static int indexOf(CharSequence in, char c, int from) {
    for (int i = from; i < in.length(); i++) {
      if (in.charAt(i) == c) {
        return i;
      }
    }
    throw new IllegalArgumentException("unclosed \\[N]");
  }
}
