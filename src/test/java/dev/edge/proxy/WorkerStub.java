package dev.edge.proxy;

import dev.edge.sdk.EdgeWorker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker stand-in for {@link WorkerCall} tests: a raw Netty server (no response encoder) on a
 * Unix socket that decodes each request whole and lets the test write the exact response bytes, so
 * it can send what a well-behaved server never would (a {@code 100} before the answer, nothing at
 * all, a close instead of an answer). It counts the connections it accepts.
 */
final class WorkerStub implements AutoCloseable {

  /** What the stub does with one request: writes raw bytes to {@code ctx}, or not. */
  interface Script {
    void answer(ChannelHandlerContext ctx, Received request);
  }

  /** A request as the stub decoded it. */
  record Received(String method, String uri, byte[] body) {}

  /** Connections accepted so far. */
  final AtomicInteger accepted = new AtomicInteger();

  /** The server side of each accepted connection, in order. */
  final BlockingQueue<Channel> connections = new LinkedBlockingQueue<>();

  /** Every request received, in order. */
  final BlockingQueue<Received> requests = new LinkedBlockingQueue<>();

  final SocketAddress address;
  private final EventLoopGroup group;
  private final Channel server;

  private WorkerStub(SocketAddress bind, Script script) {
    // the transport the edge's loops use: epoll when EdgeWorker.unixAddress chose its address type
    boolean epoll = bind instanceof DomainSocketAddress;
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    Class<? extends ServerChannel> type =
        epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
    this.server =
        new ServerBootstrap()
            .group(group)
            .channel(type)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    accepted.incrementAndGet();
                    connections.add(channel);
                    channel
                        .pipeline()
                        .addLast(
                            new HttpRequestDecoder(),
                            new HttpObjectAggregator(16 * 1024 * 1024),
                            new Handler(script));
                  }
                })
            .bind(bind)
            .syncUninterruptibly()
            .channel();
    this.address = server.localAddress();
  }

  /** A stub on the Unix socket {@code dir/worker.sock}. */
  static WorkerStub onSocket(Path dir, Script script) {
    return new WorkerStub(EdgeWorker.unixAddress(dir.resolve("worker.sock").toString()), script);
  }

  /** Writes {@code text} (ISO-8859-1) and flushes. */
  static void write(ChannelHandlerContext ctx, String text) {
    ctx.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  /** Writes {@code bytes} and flushes. */
  static void write(ChannelHandlerContext ctx, byte[] bytes) {
    ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes));
  }

  /** A {@code 200} with {@code body} and its Content-Length, plus {@code extraHeaders} lines. */
  static void ok(ChannelHandlerContext ctx, byte[] body, String... extraHeaders) {
    StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n");
    head.append("Content-Length: ").append(body.length).append("\r\n");
    for (String header : extraHeaders) {
      head.append(header).append("\r\n");
    }
    head.append("\r\n");
    ctx.write(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
    write(ctx, body);
  }

  /** {@code length} bytes of a pattern that does not repeat within 251 bytes. */
  static byte[] generated(int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i % 251);
    }
    return bytes;
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Script script;

    Handler(Script script) {
      this.script = script;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      ByteBuf content = request.content();
      Received received =
          new Received(request.method().name(), request.uri(), ByteBufUtil.getBytes(content));
      requests.add(received);
      script.answer(ctx, received);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
