/**
 * The built-in demo app, run in child JVMs when the edge is started without an app jar; the fixture
 * for the end-to-end tests and the benchmarks.
 */
package dev.edge.demo;
