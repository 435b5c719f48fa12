package dev.edge.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

  @Test
  void keepsASaneClientId() {
    assertThat(RequestIds.resolve("abc-123_x.y:z")).isEqualTo("abc-123_x.y:z");
  }

  @Test
  void replacesMissingEmptyOverlongOrUnsafeIds() {
    for (String bad :
        new String[] {null, "", "a".repeat(129), "has space", "semi;colon", "new\nline", "ünï"}) {
      assertThat(RequestIds.resolve(bad)).matches("req-[0-9a-f]{16}");
    }
    assertThat(RequestIds.resolve("a".repeat(128))).hasSize(128);
  }

  @Test
  void generatedIdsDiffer() {
    assertThat(RequestIds.generate()).isNotEqualTo(RequestIds.generate());
  }
}
