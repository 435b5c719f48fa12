package dev.edge.worker;

/**
 * One line a worker wrote on its stdout or stderr, as an app's output log keeps it.
 *
 * @param worker the worker's id
 * @param text the line, without its line break
 */
public record WorkerLine(long worker, String text) {}
