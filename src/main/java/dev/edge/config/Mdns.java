package dev.edge.config;

/**
 * The mDNS advertiser's options (see {@code docs/edge/OPERATIONS.md}, "mDNS").
 *
 * @param enabled whether {@code --mdns} turns advertisement on (the Edgefile's {@code edge: {mdns:
 *     true}} turns it on as well)
 * @param networkInterface the interface name or IP address to advertise on ({@code
 *     --mdns-interface}), or null for the first up, non-loopback, non-link-local IPv4 interface
 */
public record Mdns(boolean enabled, String networkInterface) {}
