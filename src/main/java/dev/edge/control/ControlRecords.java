package dev.edge.control;

import dev.edge.observe.LoggedEvent;
import dev.edge.observe.SequencedRing.Delivery;
import dev.edge.observe.SequencedRing.Entry;
import dev.edge.observe.SequencedRing.Gap;
import dev.edge.worker.WorkerLine;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON records of the control API's streams: an event ({@code {"seq","t","event",...}}), an
 * output line ({@code {"seq","worker","line"}}), and the gap record both streams use when a reader
 * fell behind their ring ({@code {"event":"gap","first":N}}, N the first number still held).
 */
final class ControlRecords {

  private ControlRecords() {}

  static Map<String, Object> event(Delivery<LoggedEvent> delivery) {
    return delivery instanceof Entry<LoggedEvent> entry ? entry.value().document() : gap(delivery);
  }

  static Map<String, Object> line(Delivery<WorkerLine> delivery) {
    if (delivery instanceof Entry<WorkerLine> entry) {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("seq", entry.seq());
      record.put("worker", entry.value().worker());
      record.put("line", entry.value().text());
      return record;
    }
    return gap(delivery);
  }

  private static Map<String, Object> gap(Delivery<?> delivery) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("event", "gap");
    record.put("first", ((Gap<?>) delivery).first());
    return record;
  }
}
