/**
 * Memory the edge gives back to the system on its own, since {@code java -jar} leaves it no JVM
 * flags: once idle, a heap shrink and a malloc trim ({@link IdleMemoryRelease}).
 */
package dev.edge.memory;
