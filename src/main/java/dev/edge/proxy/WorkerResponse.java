package dev.edge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;
import org.reactivestreams.Publisher;

/**
 * A worker's response as {@link WorkerCall} hands it over: the head, and either the whole body
 * (small responses, sent in one write with the head) or a stream of it.
 *
 * @param head status and headers, as the worker sent them
 * @param headNanos when the head arrived ({@link System#nanoTime()})
 * @param body the whole body, owned by the receiver, or null when it streams
 * @param stream the body as it arrives, or null when it is whole
 */
record WorkerResponse(HttpResponse head, long headNanos, ByteBuf body, Publisher<ByteBuf> stream) {}
