/** The edge's process options: names, defaults, validation with messages that say what to fix. */
package dev.edge.config;
