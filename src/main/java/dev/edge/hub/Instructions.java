package dev.edge.hub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON an app answers a realtime event with, and {@code /publish}'s body: one object or an
 * array of objects, applied in order. Keys: {@code @} targets, {@code +} channels to join, {@code
 * -} channels to leave, {@code >} clients excluded from delivery (each an array of names, or one
 * name), {@code *} a reason to close the targets with; every other key is payload, sent together as
 * one JSON text frame.
 */
final class Instructions {

  /**
   * One instruction.
   *
   * @param targets who it applies to (channels start with {@code /}), or null: the sender
   * @param subscribe channels the targets join
   * @param unsubscribe channels the targets leave (after joining)
   * @param exclude clients that get no payload
   * @param closeReason close the targets with this reason, or null
   * @param payload the payload keys as one JSON object (UTF-8), or null when there are none
   */
  record Instruction(
      List<String> targets,
      List<String> subscribe,
      List<String> unsubscribe,
      List<String> exclude,
      String closeReason,
      byte[] payload) {}

  /** A body that is not instructions; the message says what is wrong. */
  static final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Instructions() {}

  /** The instructions in {@code body}; an empty or blank body is none. */
  static List<Instruction> parse(String body) {
    if (body == null || body.isBlank()) {
      return List.of();
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JacksonException e) {
      throw new Invalid("not JSON: " + e.getOriginalMessage());
    }
    List<Instruction> result = new ArrayList<>();
    if (root.isArray()) {
      int i = 0;
      for (JsonNode item : root) {
        result.add(instruction(item, "[" + i++ + "]"));
      }
    } else {
      result.add(instruction(root, "the body"));
    }
    return result;
  }

  private static Instruction instruction(JsonNode item, String where) {
    if (!item.isObject()) {
      throw new Invalid(where + " is not a JSON object");
    }
    ObjectNode payload = JSON.createObjectNode();
    List<String> targets = null;
    List<String> subscribe = List.of();
    List<String> unsubscribe = List.of();
    List<String> exclude = List.of();
    String close = null;
    for (Map.Entry<String, JsonNode> field : item.properties()) {
      String key = field.getKey();
      JsonNode value = field.getValue();
      switch (key) {
        case "@" -> targets = names(value, where, key);
        case "+" -> subscribe = channels(names(value, where, key), where, key);
        case "-" -> unsubscribe = channels(names(value, where, key), where, key);
        case ">" -> exclude = names(value, where, key);
        case "*" -> close = value.isString() ? value.asString() : "closed by the app";
        default -> payload.set(key, value);
      }
    }
    return new Instruction(
        targets,
        subscribe,
        unsubscribe,
        exclude,
        close,
        payload.isEmpty()
            ? null
            : JSON.writeValueAsString(payload).getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> names(JsonNode value, String where, String key) {
    if (value.isString()) {
      return List.of(value.asString());
    }
    if (!value.isArray()) {
      throw new Invalid(where + "." + key + " is not a name or an array of names");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode name : value) {
      if (!name.isString() || name.asString().isEmpty()) {
        throw new Invalid(where + "." + key + " holds something other than names");
      }
      names.add(name.asString());
    }
    return names;
  }

  private static List<String> channels(List<String> names, String where, String key) {
    for (String name : names) {
      if (!name.startsWith("/")) {
        throw new Invalid(where + "." + key + ": \"" + name + "\" is not a channel (start with /)");
      }
    }
    return names;
  }
}
