package dev.edge.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.hub.Instructions.Instruction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstructionsTest {

  @Test
  void anObjectIsOneInstructionAndEveryOtherKeyIsPayload() {
    List<Instruction> parsed =
        Instructions.parse(
            "{\"@\":[\"/lobby\",\"abc\"],\"+\":[\"/news\"],\"-\":\"/old\",\">\":[\"abc\"],"
                + "\"from\":\"x\",\"text\":\"hi\",\"n\":[1,{\"a\":null}]}");
    assertThat(parsed).hasSize(1);
    Instruction one = parsed.get(0);
    assertThat(one.targets()).containsExactly("/lobby", "abc");
    assertThat(one.subscribe()).containsExactly("/news");
    assertThat(one.unsubscribe()).containsExactly("/old");
    assertThat(one.exclude()).containsExactly("abc");
    assertThat(one.closeReason()).isNull();
    assertThat(new String(one.payload(), StandardCharsets.UTF_8))
        .isEqualTo("{\"from\":\"x\",\"text\":\"hi\",\"n\":[1,{\"a\":null}]}");
  }

  @Test
  void anArrayIsAppliedInOrderAndMissingKeysMeanTheSenderAndNoPayload() {
    List<Instruction> parsed = Instructions.parse("[{\"+\":[\"/a\"]},{\"*\":\"bye\"},{\"*\":1}]");
    assertThat(parsed).hasSize(3);
    assertThat(parsed.get(0).targets()).isNull();
    assertThat(parsed.get(0).payload()).isNull();
    assertThat(parsed.get(1).closeReason()).isEqualTo("bye");
    assertThat(parsed.get(2).closeReason()).isEqualTo("closed by the app");
    assertThat(Instructions.parse("")).isEmpty();
    assertThat(Instructions.parse("  \n")).isEmpty();
  }

  @Test
  void whatIsNotInstructionsSaysWhy() {
    assertThatThrownBy(() -> Instructions.parse("{nope"))
        .isInstanceOf(Instructions.Invalid.class)
        .hasMessageStartingWith("not JSON: ");
    assertThatThrownBy(() -> Instructions.parse("\"hi\""))
        .hasMessage("the body is not a JSON object");
    assertThatThrownBy(() -> Instructions.parse("[{},3]")).hasMessage("[1] is not a JSON object");
    assertThatThrownBy(() -> Instructions.parse("{\"@\":5}"))
        .hasMessage("the body.@ is not a name or an array of names");
    assertThatThrownBy(() -> Instructions.parse("{\"+\":[\"lobby\"]}"))
        .hasMessage("the body.+: \"lobby\" is not a channel (start with /)");
  }
}
