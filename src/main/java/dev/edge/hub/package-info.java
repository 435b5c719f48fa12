/**
 * The realtime hub: the edge holds every WebSocket client ({@link dev.edge.hub.RealtimeEndpoint}),
 * sends each client's events to its app as plain HTTP requests through the app's pool, one at a
 * time per client ({@link dev.edge.hub.HubClient}, {@link dev.edge.hub.HubEvents}), and applies the
 * app's JSON instructions ({@link dev.edge.hub.Instructions}) to channel membership ({@link
 * dev.edge.hub.HubState}, which a shared backend can implement for a cluster) and delivery ({@link
 * dev.edge.hub.Hub}). {@code POST /publish} ({@link dev.edge.hub.PublishEndpoint}) applies the same
 * instructions from server-side code.
 */
package dev.edge.hub;
