/** What the edge tells about itself: request ids, {@code /server} and {@code /status}. */
package dev.edge.observe;
