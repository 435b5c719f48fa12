/**
 * The {@code static: DIR} route action: files under a directory with content types, validators,
 * conditional and range requests, directory indexes and an optional SPA fallback, refusing every
 * path that could reach outside the directory, and doing all file-system work off the event loops.
 * {@link dev.edge.statics.StaticFiles} is the entry point.
 */
package dev.edge.statics;
