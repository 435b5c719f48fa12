package dev.edge.manage;

import dev.edge.EdgeException.Reason;
import dev.edge.ProblemResponse;
import dev.edge.control.AdminAccess;
import dev.edge.observe.RequestIds;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Who may use the management listener: {@code GET /actuator/health} and its groups (the probes of
 * Kubernetes or a load balancer) anyone who reaches the port; every other endpoint, reads and
 * writes alike, the clients {@link AdminAccess} allows on the main listener's control endpoints
 * (loopback, or {@code Authorization: Bearer <admin token>}). Others get the edge's {@code 403
 * forbidden} problem.
 */
final class ManagementAccess implements WebFilter {

  private final AdminAccess access;

  ManagementAccess(String adminToken) {
    this.access = new AdminAccess(adminToken);
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    if (isProbe(request)
        || access.allows(
            request.getRemoteAddress(), request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION))) {
      return chain.filter(exchange);
    }
    ProblemResponse problem =
        ProblemResponse.of(
            Reason.FORBIDDEN,
            "the management endpoints other than health answer loopback clients or the admin"
                + " token only",
            RequestIds.resolve(request.getHeaders().getFirst(RequestIds.HEADER)),
            List.of());
    ServerHttpResponse response = exchange.getResponse();
    response.setStatusCode(HttpStatus.valueOf(problem.status().code()));
    problem
        .headers()
        .forEach(header -> response.getHeaders().set(header.getKey(), header.getValue()));
    DataBuffer body = response.bufferFactory().wrap(problem.body());
    return response.writeWith(Mono.just(body));
  }

  private static boolean isProbe(ServerHttpRequest request) {
    String path = request.getPath().pathWithinApplication().value();
    return (request.getMethod() == HttpMethod.GET || request.getMethod() == HttpMethod.HEAD)
        && (path.equals("/actuator/health") || path.startsWith("/actuator/health/"));
  }
}
