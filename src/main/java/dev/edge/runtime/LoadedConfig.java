package dev.edge.runtime;

import dev.edge.edgefile.EdgeConfig;
import java.nio.file.Path;

/**
 * A validated config and where it came from.
 *
 * @param config the normalized config
 * @param version the first 12 hex digits of the SHA-256 of the Edgefile's bytes, or {@code cli} for
 *     the single-app config built from the command line
 * @param source the Edgefile, or null for the command-line config
 */
public record LoadedConfig(EdgeConfig config, String version, Path source) {}
