package dev.edge.worker;

/**
 * One worker as {@code /diagnostics} lists it, like a line of {@code passenger-status}.
 *
 * @param id the worker id
 * @param pid its process id
 * @param generation its generation
 * @param state {@code starting}, {@code ready}, {@code draining} or {@code stopped}
 * @param inflight requests it is serving now
 * @param handled requests it has been given
 * @param lastUsedMillis when it last finished a request (epoch millis), or 0
 * @param uptimeSeconds how long it has run
 * @param restarts failures of its slot since the app started
 * @param rssBytes its resident memory, or -1 when unknown
 */
public record WorkerRow(
    long id,
    long pid,
    long generation,
    String state,
    int inflight,
    long handled,
    long lastUsedMillis,
    long uptimeSeconds,
    int restarts,
    long rssBytes) {}
