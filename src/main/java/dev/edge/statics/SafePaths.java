package dev.edge.statics;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a raw request path into names below a static root, refusing everything that could reach
 * outside it. No file-system access: the symlink half of containment is {@link #contains}, applied
 * to real paths by {@link FileLookup}.
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>Percent-decode the raw path; a {@code %} not followed by two hex digits, or bytes that are
 *       not UTF-8, is {@code 400 bad_path}. Raw octets above 0x7F (which the HTTP decoder carries
 *       as ISO-8859-1 characters) count as bytes of that UTF-8.
 *   <li>Decode again while the result still contains a valid {@code %XX} escape, at most {@value
 *       #MAX_EXTRA_ROUNDS} more times ({@code %252e} is {@code .}), so no later layer can turn what
 *       was checked into something else. The price: a file whose name itself contains a valid
 *       escape, such as {@code a%20b}, cannot be served under that name.
 *   <li>A control character (NUL included) or a backslash anywhere is {@code 400 bad_path}.
 *   <li>Split on {@code /} ({@code %2f} included); drop empty and {@code .} segments; a {@code ..}
 *       removes the segment before it, and one with nothing left to remove climbs above the root:
 *       {@code 400 bad_path}. {@code ..} inside a name ({@code a..b}) is an ordinary name.
 *   <li>A segment starting with {@code .} (a dotfile or dot-directory) is {@code 404 not_found},
 *       except {@value #WELL_KNOWN} as the first segment.
 * </ol>
 */
final class SafePaths {

  /** Decoding rounds after the first before a path counts as maliciously nested. */
  static final int MAX_EXTRA_ROUNDS = 8;

  /** The one dot-directory that is served (RFC 8615), and only directly under the root. */
  static final String WELL_KNOWN = ".well-known";

  private SafePaths() {}

  /**
   * Decodes and normalizes {@code raw} (still percent-encoded, starting with {@code /} or empty).
   *
   * @param shown the request path as it may appear in error details
   * @throws EdgeException {@code bad_path} or {@code not_found} as described in the class doc
   */
  static SafePath parse(String raw, String shown) {
    String path = decodeUntilStable(raw, shown);
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw bad(shown, "contains a control character");
      }
      if (c == '\\') {
        throw bad(shown, "contains a backslash");
      }
    }
    String[] parts = path.split("/", -1);
    List<String> segments = new ArrayList<>(parts.length);
    for (String part : parts) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (segments.isEmpty()) {
          throw bad(shown, "climbs above the static root");
        }
        segments.remove(segments.size() - 1);
      } else {
        segments.add(part);
      }
    }
    String last = parts[parts.length - 1];
    boolean trailingSlash =
        !path.isEmpty() && (last.isEmpty() || last.equals(".") || last.equals(".."));
    if (hidden(segments)) {
      throw new EdgeException(Reason.NOT_FOUND, "no file at " + shown);
    }
    return new SafePath(segments, trailingSlash);
  }

  /**
   * Whether names from the root down include a dotfile or dot-directory other than a leading
   * {@value #WELL_KNOWN}.
   */
  static boolean hidden(List<String> segments) {
    for (int i = 0; i < segments.size(); i++) {
      String segment = segments.get(i);
      if (segment.startsWith(".") && !(i == 0 && segment.equals(WELL_KNOWN))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code real} (a real path: absolute, no symlinks) is {@code realRoot} or below it, and
   * reached through no dotfile or dot-directory on the way, so a symlink cannot expose one either.
   */
  static boolean contains(Path realRoot, Path real) {
    if (!real.startsWith(realRoot)) {
      return false;
    }
    Path relative = realRoot.relativize(real);
    List<String> names = new ArrayList<>(relative.getNameCount());
    for (Path name : relative) {
      names.add(name.toString());
    }
    return !hidden(names);
  }

  /** Percent-decodes until no valid escape is left. */
  static String decodeUntilStable(String raw, String shown) {
    String current = decode(raw, true, shown);
    for (int round = 1; current.indexOf('%') >= 0; round++) {
      String next = decode(current, false, shown);
      if (next.equals(current)) {
        return current;
      }
      if (round == MAX_EXTRA_ROUNDS) {
        throw bad(shown, "is percent-encoded too many times");
      }
      current = next;
    }
    return current;
  }

  /**
   * One round of percent-decoding. In the first round ({@code strict}) a malformed escape is an
   * error and characters up to 0xFF are octets; later rounds leave a lone {@code %} as it is and
   * work on characters decoded before.
   */
  private static String decode(String text, boolean strict, String shown) {
    if (text.indexOf('%') < 0 && isAscii(text)) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        int high = i + 2 < text.length() ? hex(text.charAt(i + 1)) : -1;
        int low = high >= 0 ? hex(text.charAt(i + 2)) : -1;
        if (low >= 0) {
          bytes.write(high << 4 | low);
          i += 2;
        } else if (strict) {
          throw bad(shown, "has an invalid percent-encoding");
        } else {
          bytes.write('%');
        }
      } else if (c < 0x80 || (strict && c <= 0xff)) {
        bytes.write(c);
      } else {
        int codePoint = text.codePointAt(i);
        i += Character.charCount(codePoint) - 1;
        bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw bad(shown, "is not valid UTF-8 once decoded");
    }
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static EdgeException bad(String shown, String why) {
    return new EdgeException(Reason.BAD_PATH, shown + " " + why);
  }
}
