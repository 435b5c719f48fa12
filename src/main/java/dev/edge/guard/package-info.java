/**
 * The request guard: what the edge refuses before routing, so a malformed or hostile request never
 * reaches a worker and a slow client cannot tie up the edge.
 *
 * <p>Design. Netty's {@code HttpRequestDecoder} is lenient in places (it merges obs-fold, tolerates
 * some whitespace and bare-CR/LF forms, drops Content-Length when Transfer-Encoding is present) and
 * its failures become Reactor Netty's own bare 400. So the guard checks the bytes itself, in two
 * small handlers around Reactor Netty's codec ({@link dev.edge.guard.RequestGuard#install}):
 *
 * <ul>
 *   <li>{@link dev.edge.guard.GuardHandler}, before the codec, runs every inbound byte through a
 *       {@link dev.edge.guard.MessageScanner}: a strict request-head parser ({@link
 *       dev.edge.guard.HeadParser}) and the body's framing (Content-Length counted down, or chunks
 *       followed by {@link dev.edge.guard.ChunkParser}), so it knows where each pipelined request
 *       begins whatever the read boundaries. It is a state machine over {@code ByteBuf.forEachByte}
 *       for heads and bulk skips for bodies: no regex, no String per header, no copy (buffers or
 *       slices of them are passed on). Bytes of one read burst are held until its end, so a
 *       violation anywhere in what arrived together keeps the whole request from the codec. It also
 *       runs the header timeout (slowloris) and the body idle timeout.
 *   <li>{@link dev.edge.guard.ResponseTracker}, after the codec, counts requests and final
 *       responses so a rejection is written in order after the responses to earlier pipelined
 *       requests, then the connection closes. It applies the Host rules to each decoded request
 *       before Reactor Netty sees it (Reactor Netty parses Host itself and would answer an
 *       unparsable one with its own bare 400), rewrites an absolute-form target that agrees with
 *       Host to origin form, removes {@code Server}, applies {@link dev.edge.guard.HstsHook}, and
 *       tells the scanner about {@code 100 Continue} and {@code 101}.
 * </ul>
 *
 * <p>{@link dev.edge.guard.RequestGuard#check} holds the rules that need the parsed request (path
 * encoding and climbing, Content-Length against the body limit, and again Host and absolute-form
 * authority, for a listener without {@code install}); the pipeline calls it first, and its {@code
 * EdgeException}s carry {@code Connection: close}.
 *
 * <p>Cost: the scanner runs at about 2 ns per head byte (0.9 µs for a 445-byte browser request on
 * one core, JIT-warm); body bytes are skipped in bulk, not visited.
 *
 * <p>Every rejection closes its connection: the simplest rule that is always safe (a connection
 * whose framing is in doubt must not be reused, and telling apart the cases where it could be is
 * not worth the risk). A refused request that never reached Reactor Netty gets its response, then a
 * FIN, and up to {@link dev.edge.guard.ResponseTracker#LINGER} of draining before the close (so
 * unread request bytes do not turn into a reset that destroys the response); one cut mid-body is
 * closed at once. The problem response is built by {@link dev.edge.ProblemResponse}, as every other
 * the edge writes; a refused {@code HEAD} (or a request cut while what arrived of its method is the
 * start of {@code HEAD}) gets its headers and no body.
 *
 * <p>Nothing is read after a connection's last request (RFC 9112 §9.6): once a request that said
 * {@code Connection: close} (or an HTTP/1.0 one without keep-alive) is complete, the scanner passes
 * no more bytes to the codec and drops what follows, and its response is made to close the
 * connection; the same after any response that closes it, and after a rejection.
 */
package dev.edge.guard;
