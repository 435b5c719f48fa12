/**
 * mDNS advertisement (off unless {@code --mdns} or {@code edge: {mdns: true}}): {@code edge.local}
 * and every {@code .local} host of the active config's sites, each an A record and an {@code
 * _http._tcp} or {@code _https._tcp} service, published with jmdns on its own thread, kept in step
 * with config reloads and withdrawn with goodbye packets on shutdown.
 */
package dev.edge.mdns;
