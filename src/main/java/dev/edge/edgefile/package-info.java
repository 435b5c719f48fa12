/**
 * The Edgefile: its model (immutable records, every default and inheritance already resolved), the
 * YAML reader that reports every problem with line, column, field path and hint, and the {@code
 * edge check} command.
 */
package dev.edge.edgefile;
