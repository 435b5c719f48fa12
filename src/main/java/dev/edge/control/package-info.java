/**
 * The edge's control endpoints on its own listener ({@code POST /control/reload}), open to loopback
 * clients, or to clients presenting the admin token.
 */
package dev.edge.control;
