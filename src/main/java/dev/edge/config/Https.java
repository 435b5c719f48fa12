package dev.edge.config;

import java.nio.file.Path;

/**
 * The HTTPS listener and where its certificates come from (see {@code docs/edge/CONTRACTS.md},
 * "HTTPS").
 *
 * @param enabled whether the edge listens for HTTPS ({@code --no-https} turns it off)
 * @param port the HTTPS port; 0 picks a free one
 * @param certFile the operator's certificate chain (PEM, leaf first), or null
 * @param keyFile the operator's private key (PEM), or null
 * @param certDir where generated certificates are kept (the dev certificate)
 * @param redirectHttp whether HTTP requests for hosts with a configured certificate get {@code 308}
 *     to HTTPS ({@code --no-redirect-http} turns it off)
 * @param acme certificates obtained from an ACME CA
 */
public record Https(
    boolean enabled,
    int port,
    Path certFile,
    Path keyFile,
    Path certDir,
    boolean redirectHttp,
    Acme acme) {}
