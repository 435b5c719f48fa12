/**
 * Step 4 of the request path for app routes: forwarding a request to a worker over its socket and
 * streaming the response back, with hop-by-hop headers stripped and forwarding headers set.
 */
package dev.edge.proxy;
