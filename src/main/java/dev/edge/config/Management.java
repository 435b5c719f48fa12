package dev.edge.config;

/**
 * The management listener: Spring Boot Actuator's endpoints over WebFlux, on a port of their own
 * (see {@code docs/edge/OPERATIONS.md}, "Management listener").
 *
 * @param port the port ({@code --management-port}; 0 picks a free one), or -1 when it is off
 * @param address the address it binds ({@code --management-address}, loopback by default)
 */
public record Management(int port, String address) {

  /** No management listener: the default. */
  public static final Management OFF = new Management(-1, ManagementOptions.LOOPBACK);

  /** Whether the management listener is on. */
  public boolean enabled() {
    return port >= 0;
  }
}
