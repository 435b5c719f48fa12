package dev.edge.statics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafePathsTest {

  private static SafePath parse(String raw) {
    return SafePaths.parse(raw, raw);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                  | ''            | false",
        "/                   | ''            | true",
        "/a                  | a             | false",
        "/a/                 | a             | true",
        "//a///b             | a/b           | false",
        "/a/./b/.            | a/b           | true",
        "/a/b/..             | a             | true",
        "/a/../b             | b             | false",
        "/a%2fb              | a/b           | false",
        "/a..b               | a..b          | false",
        "/a/b..              | a/b..         | false",
        "/caf%C3%A9          | café          | false",
        "/%2541              | A             | false",
        "/100%25             | 100%          | false",
        "/50%25off           | 50%off        | false",
        "/.well-known/x      | .well-known/x | false",
        "/a%20b              | a b           | false",
      })
  void normalizes(String raw, String segments, boolean trailingSlash) {
    SafePath path = parse(raw);

    assertThat(String.join("/", path.segments())).isEqualTo(segments);
    assertThat(path.trailingSlash()).isEqualTo(trailingSlash);
  }

  @ParameterizedTest
  @CsvSource({
    "/..",
    "/../a",
    "/a/../..",
    "/%2e%2e",
    "/%252e%252e/a",
    "/.%2E/",
    "/a%2f..%2f..",
    "/a\\b",
    "/%5c",
    "/%00",
    "/a%0d%0a",
    "/%zz",
    "/%",
    "/%e",
    "/%c3",
    "/%c0%ae",
    "/%2500",
    "/%252525252525252525252541"
  })
  void refusesWithBadPath(String raw) {
    assertThatThrownBy(() -> parse(raw))
        .isInstanceOfSatisfying(
            EdgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_PATH))
        .hasMessageStartingWith(raw + " ");
  }

  @ParameterizedTest
  @CsvSource({"/.env", "/a/.git/config", "/%2eenv", "/a/.well-known/x", "/...."})
  void refusesDotfilesWithNotFound(String raw) {
    assertThatThrownBy(() -> parse(raw))
        .isInstanceOfSatisfying(
            EdgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
  }

  @Test
  void extensionsAreADotAfterTheFirstCharacterOfTheLastSegment() {
    assertThat(parse("/a/app.js").lastSegmentHasExtension()).isTrue();
    assertThat(parse("/u/john.doe").lastSegmentHasExtension()).isTrue();
    assertThat(parse("/dashboard").lastSegmentHasExtension()).isFalse();
    assertThat(parse("/v1.2/").lastSegmentHasExtension()).isFalse();
    assertThat(parse("").lastSegmentHasExtension()).isFalse();
  }

  @Test
  void containmentComparesWholeNamesAndRefusesDotNamesOnTheWay() {
    Path root = Path.of("/srv/site");

    assertThat(SafePaths.contains(root, Path.of("/srv/site"))).isTrue();
    assertThat(SafePaths.contains(root, Path.of("/srv/site/a/b.txt"))).isTrue();
    assertThat(SafePaths.contains(root, Path.of("/srv/site2/a"))).isFalse();
    assertThat(SafePaths.contains(root, Path.of("/srv"))).isFalse();
    assertThat(SafePaths.contains(root, Path.of("/srv/site/.env"))).isFalse();
    assertThat(SafePaths.contains(root, Path.of("/srv/site/.well-known/x"))).isTrue();
    assertThat(SafePaths.hidden(List.of("a", ".well-known"))).isTrue();
  }
}
