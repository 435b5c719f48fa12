package dev.edge.statics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

  @Test
  void parsesTheThreeFormsOfOneRange() {
    assertThat(ByteRange.parse("bytes=0-4", 10)).isEqualTo(new ByteRange(0, 4));
    assertThat(ByteRange.parse("bytes=3-", 10)).isEqualTo(new ByteRange(3, 9));
    assertThat(ByteRange.parse("bytes=-4", 10)).isEqualTo(new ByteRange(6, 9));
    assertThat(ByteRange.parse("bytes=-40", 10)).isEqualTo(new ByteRange(0, 9));
    assertThat(ByteRange.parse("bytes=8-99", 10)).isEqualTo(new ByteRange(8, 9));
    assertThat(ByteRange.parse("Bytes= 2 - 3 ", 10)).isEqualTo(new ByteRange(2, 3));
    assertThat(ByteRange.parse("bytes=0-99999999999999999999999", 10))
        .isEqualTo(new ByteRange(0, 9));
  }

  @Test
  void rangesStartingAtOrPastTheEndAreUnsatisfiable() {
    assertThat(ByteRange.parse("bytes=10-", 10)).isSameAs(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=10-20", 10)).isSameAs(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=-0", 10)).isSameAs(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=0-", 0)).isSameAs(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=-5", 0)).isSameAs(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.parse("bytes=99999999999999999999999-", 10))
        .isSameAs(ByteRange.UNSATISFIABLE);
    assertThat(ByteRange.UNSATISFIABLE.satisfiable()).isFalse();
  }

  @Test
  void severalRangesAndMalformedHeadersAreIgnored() {
    for (String header :
        new String[] {
          "bytes=0-1,3-4", "bytes=0-1,", "bytes=4-2", "bytes=a-b", "bytes=-", "bytes=",
          "bytes=1", "items=0-1", "bytes=0x1-2", "bytes=+1-2", "bytes=1-2-3", "bytes",
          "bytes=\u0661-2"
        }) {
      assertThat(ByteRange.parse(header, 10)).as(header).isNull();
    }
    assertThat(ByteRange.parse(null, 10)).isNull();
  }

  @Test
  void describesItselfForTheResponse() {
    ByteRange range = new ByteRange(5, 9);

    assertThat(range.length()).isEqualTo(5);
    assertThat(range.contentRange(10)).isEqualTo("bytes 5-9/10");
  }
}
