package dev.edge.worker;

import dev.edge.observe.SequencedRing;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one worker output stream line by line into the edge's log (prefixed with app and worker
 * id), the worker's {@link LogRing} and its app's output log (which {@code edge logs} reads), so a
 * worker never blocks on a full pipe. Lines longer than {@link #MAX_LINE} characters are split.
 */
final class OutputPump implements Runnable {

  static final int MAX_LINE = 8192;
  private static final Logger LOG = LoggerFactory.getLogger("edge.worker");

  private final InputStream stream;
  private final String prefix;
  private final LogRing ring;
  private final SequencedRing<WorkerLine> appOutput;
  private final long workerId;

  private OutputPump(
      InputStream stream,
      String prefix,
      LogRing ring,
      SequencedRing<WorkerLine> appOutput,
      long workerId) {
    this.stream = stream;
    this.prefix = prefix;
    this.ring = ring;
    this.appOutput = appOutput;
    this.workerId = workerId;
  }

  /** Starts a daemon thread that drains {@code stream} until EOF. */
  static void start(
      InputStream stream,
      String prefix,
      LogRing ring,
      SequencedRing<WorkerLine> appOutput,
      long workerId,
      String threadName) {
    DaemonThreads.start(
        threadName, new OutputPump(stream, prefix, ring, appOutput, workerId), true);
  }

  @Override
  public void run() {
    StringBuilder line = new StringBuilder(128);
    char[] buffer = new char[4096];
    try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
      int read;
      while ((read = reader.read(buffer)) >= 0) {
        for (int i = 0; i < read; i++) {
          char c = buffer[i];
          if (c == '\n' || line.length() >= MAX_LINE) {
            emit(line);
            if (c == '\n') {
              continue;
            }
          }
          if (c != '\r') {
            line.append(c);
          }
        }
      }
    } catch (IOException e) {
      // The pipe closed with the process; whatever was read is emitted below.
    }
    if (line.length() > 0) {
      emit(line);
    }
  }

  private void emit(StringBuilder line) {
    String text = line.toString();
    line.setLength(0);
    ring.add(text);
    appOutput.append(new WorkerLine(workerId, text));
    LOG.info("{} {}", prefix, text);
  }
}
