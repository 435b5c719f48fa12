package dev.edge;

import dev.edge.control.ControlOperations;
import dev.edge.control.DiagnosticsDocument;
import dev.edge.runtime.ConfigReloader;
import dev.edge.tls.TlsCertificates;

/**
 * The parts of a built edge that operate it from beside the request path: the management listener
 * ({@code dev.edge.manage}) reads and drives the edge through these, the same objects the main
 * listener's built-in endpoints and the signals use.
 *
 * @param server the edge (rolling restart of every app: what SIGUSR1 does)
 * @param reloader the active config and its reloads (what SIGHUP and {@code /control/reload} do)
 * @param diagnostics the one producer of the {@code /diagnostics} document
 * @param certificates the HTTPS certificates served now, or null when HTTPS is off
 * @param beforeScrape refreshes the meters that are only read at scrape time (per-worker in-flight,
 *     certificate expiry); every Prometheus scrape runs it first
 * @param control the operations {@code /control/*} and the control socket serve
 */
public record EdgeParts(
    EdgeServer server,
    ConfigReloader reloader,
    DiagnosticsDocument diagnostics,
    TlsCertificates certificates,
    Runnable beforeScrape,
    ControlOperations control) {}
