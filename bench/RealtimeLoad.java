import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load client for the edge's realtime hub (bench/realtime.sh runs it): holds N WebSocket clients
 * subscribed to one channel, publishes to that channel every INTERVAL ms over keep-alive HTTP/1.1,
 * and measures, as the clients see it, publish-to-receive latency and deliveries.
 *
 * <pre>
 *   java -Xmx512m bench/RealtimeLoad.java --port=8080 --clients=10000 [options]
 * </pre>
 *
 * <p>JDK only, one JVM, single-file source launch. The WebSocket clients are a minimal NIO client
 * (handshake, then parsing the server's unmasked frames; pings are answered with pongs) on a few
 * selector threads ({@code --loops}): at 10,000 clients and a publish every 10 ms that is up to a
 * million frames per second, and the JDK's java.net.http.WebSocket costs several objects, a
 * CompletableFuture and a listener call per message and runs one selector thread per HttpClient,
 * while here a selector thread reads every ready socket into one direct buffer and parses the
 * frames in place without allocating. The publishers embed {@code System.nanoTime()} at send
 * time ({@code {"@":"/channel","t":nanos}}); receivers in the same JVM subtract it from the time
 * their read returned, so latency includes the time a frame waited in the client's socket buffer.
 *
 * <p>Phases: connect (at {@code --connect-rate} per second) until every client has its 101 and
 * presence shows them all in the channel (or stops growing for 10 s); a warm-up of publishes,
 * drained; the measured publishes, drained; then the figures. Publish i of a phase is due at start
 * + i x interval and goes out on publisher connection i mod {@code --publishers}, each with its own
 * thread waiting for each answer: an answer slower than publishers x interval delays that
 * connection's later publishes (reported as lag, and latency from the schedule adds it), and a
 * publish still waiting when the phase's time is over is not sent.
 *
 * <p>With {@code --edge-pid} it samples the edge's and its workers' CPU (/proc), RSS, and heap and
 * GC counts (jcmd GC.heap_info and jstat -gc from this JDK) at the start and the end of the
 * measured phase, and the edge's /diagnostics realtime counters. Results go to stdout and, with
 * {@code --result=FILE}, as key=value lines to FILE.
 */
public final class RealtimeLoad {

  // --- options ----------------------------------------------------------------------------------

  static String host = "127.0.0.1";
  static int port;
  static int clients = 1000;
  static int connectRate = 500;
  static String channel = "/all";
  static String path = "/realtime";
  static int intervalMs = 10;
  static int warmupS = 5;
  static int durationS = 30;
  static int drainS = 15;
  static int loops = 2;
  static int publishers = 4;
  static int presenceTimeoutS = 120;
  static long edgePid = -1;
  static int clkTck = 100;
  static String resultFile;
  static long targetMs = 100;

  public static void main(String[] args) throws Exception {
    for (String arg : args) {
      if (!arg.startsWith("--") || arg.indexOf('=') < 0) {
        die("expected --name=value, got " + arg);
      }
      String name = arg.substring(2, arg.indexOf('='));
      String value = arg.substring(arg.indexOf('=') + 1);
      switch (name) {
        case "host" -> host = value;
        case "port" -> port = Integer.parseInt(value);
        case "clients" -> clients = Integer.parseInt(value);
        case "connect-rate" -> connectRate = Integer.parseInt(value);
        case "channel" -> channel = value;
        case "path" -> path = value;
        case "interval-ms" -> intervalMs = Integer.parseInt(value);
        case "warmup-s" -> warmupS = Integer.parseInt(value);
        case "duration-s" -> durationS = Integer.parseInt(value);
        case "drain-s" -> drainS = Integer.parseInt(value);
        case "loops" -> loops = Integer.parseInt(value);
        case "publishers" -> publishers = Integer.parseInt(value);
        case "presence-timeout-s" -> presenceTimeoutS = Integer.parseInt(value);
        case "edge-pid" -> edgePid = Long.parseLong(value);
        case "clk-tck" -> clkTck = Integer.parseInt(value);
        case "result" -> resultFile = value;
        case "target-ms" -> targetMs = Long.parseLong(value);
        default -> die("unknown option --" + name);
      }
    }
    if (port <= 0) {
      die("--port=P is required");
    }
    new RealtimeLoad().run();
  }

  static void die(String message) {
    System.err.println("RealtimeLoad: " + message);
    System.exit(2);
  }

  static void log(String message) {
    System.err.printf("[load %tT] %s%n", System.currentTimeMillis(), message);
  }

  // --- histogram ----------------------------------------------------------------------------------

  /**
   * Log-linear histogram of microseconds: exact below 2048 us, then 1024 sub-buckets per power of
   * two (0.1 % precision), up to 2^42 us. One writer thread; merged after the writers stop.
   */
  static final class Histogram {
    static final int LINEAR = 2048;
    static final int SUB = 1024;
    final long[] counts = new long[LINEAR + (42 - 11) * SUB];
    long total;
    long max;

    void record(long us) {
      if (us < 0) {
        us = 0;
      }
      if (us > max) {
        max = us;
      }
      total++;
      counts[index(us)]++;
    }

    static int index(long v) {
      if (v < LINEAR) {
        return (int) v;
      }
      int e = 63 - Long.numberOfLeadingZeros(v); // >= 11
      int sub = (int) ((v >>> (e - 10)) & (SUB - 1));
      int i = LINEAR + (e - 11) * SUB + sub;
      return Math.min(i, LINEAR + (42 - 11) * SUB - 1);
    }

    /** The largest value of bucket i. */
    static long highest(int i) {
      if (i < LINEAR) {
        return i;
      }
      int e = (i - LINEAR) / SUB + 11;
      long sub = (i - LINEAR) % SUB;
      return ((1024 + sub + 1) << (e - 10)) - 1;
    }

    void add(Histogram other) {
      for (int i = 0; i < counts.length; i++) {
        counts[i] += other.counts[i];
      }
      total += other.total;
      max = Math.max(max, other.max);
    }

    /** The value at quantile q (0..1), in us: the highest value of the bucket holding it. */
    long quantile(double q) {
      if (total == 0) {
        return -1;
      }
      long rank = Math.max(1, (long) Math.ceil(q * total));
      long seen = 0;
      for (int i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (seen >= rank) {
          return Math.min(highest(i), max);
        }
      }
      return max;
    }

    /** Share of values above us (0..1). */
    double above(long us) {
      if (total == 0) {
        return 0;
      }
      long n = 0;
      for (int i = index(us) + 1; i < counts.length; i++) {
        n += counts[i];
      }
      return (double) n / total;
    }
  }

  static String ms(long us) {
    return us < 0 ? "-" : String.format("%.2f", us / 1000.0);
  }

  // --- WebSocket clients --------------------------------------------------------------------------

  static final int CONNECTING = 0;
  static final int HANDSHAKE = 1;
  static final int OPEN = 2;
  static final int CLOSED = 3;

  static final class Conn {
    final int id;
    SocketChannel ch;
    int state = CONNECTING;
    byte[] pending = new byte[0];
    int pendingLen;
    ByteBuffer out; // unwritten bytes (handshake, pongs), or null
    int measured; // measured frames received
    Loop loop;

    Conn(int id) {
      this.id = id;
    }
  }

  final AtomicInteger opened = new AtomicInteger();
  final AtomicInteger connectFailures = new AtomicInteger();
  final AtomicInteger closedAfterOpen = new AtomicInteger();
  final Map<String, Integer> failures = new TreeMap<>(); // reason -> count (rare; synchronized)
  volatile long measureStart = Long.MAX_VALUE; // frames with t >= this are measured
  Conn[] conns;

  /**
   * Send time t -> how late that publish went out against its schedule (ns), written by the
   * publisher before it sends, read by receivers: latency from the schedule is latency from t plus
   * that lag. Open addressing on t; ample room for every publish of the run.
   */
  java.util.concurrent.atomic.AtomicLongArray lagKeys;
  long[] lagValues;
  int lagMask;

  void putLag(long t, long lag) {
    int i = (int) (mix(t) & lagMask);
    while (lagKeys.get(i) != 0) {
      i = (i + 1) & lagMask;
    }
    lagValues[i] = lag;
    lagKeys.set(i, t); // volatile: publishes lagValues[i]
  }

  long lag(long t) {
    int i = (int) (mix(t) & lagMask);
    for (int probes = 0; probes <= lagMask; probes++) {
      long k = lagKeys.get(i);
      if (k == t) {
        return lagValues[i];
      }
      if (k == 0) {
        return 0;
      }
      i = (i + 1) & lagMask;
    }
    return 0;
  }

  static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    return x;
  }

  synchronized void failure(String reason) {
    failures.merge(reason, 1, Integer::sum);
  }

  final class Loop extends Thread {
    final Selector selector;
    final ConcurrentLinkedQueue<Conn> toRegister = new ConcurrentLinkedQueue<>();
    final ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
    final Histogram warm = new Histogram();
    final Histogram measuredHist = new Histogram();
    final Histogram scheduleHist = new Histogram(); // measured, from the publish's due time
    volatile boolean running = true;
    volatile long measuredFrames; // written by this thread only
    volatile long warmupFrames;
    volatile long lastMeasuredNanos;
    long last; // local copy of lastMeasuredNanos
    long otherFrames;
    long pings;
    long reads;
    long m; // local copies, published to the volatile fields after each read
    long w;

    Loop(int i) throws IOException {
      super("ws-loop-" + i);
      selector = Selector.open();
      setDaemon(true);
    }

    void add(Conn c) {
      c.loop = this;
      toRegister.add(c);
      selector.wakeup();
    }

    @Override
    public void run() {
      try {
        while (running) {
          Conn c;
          while ((c = toRegister.poll()) != null) {
            try {
              c.ch.register(selector, SelectionKey.OP_CONNECT, c);
            } catch (IOException e) {
              fail(c, "register: " + e);
            }
          }
          selector.select(this::ready, 200);
        }
      } catch (Throwable e) {
        e.printStackTrace();
      }
    }

    void ready(SelectionKey key) {
      Conn c = (Conn) key.attachment();
      try {
        if (!key.isValid()) {
          return;
        }
        if (key.isConnectable()) {
          c.ch.finishConnect();
          c.state = HANDSHAKE;
          c.out = ByteBuffer.wrap(handshake());
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          flush(c, key);
          return;
        }
        if (key.isWritable()) {
          flush(c, key);
        }
        if (key.isReadable()) {
          read(c, key);
        }
      } catch (IOException e) {
        fail(c, c.state == CONNECTING ? "connect: " + e.getMessage() : "io: " + e.getMessage());
      }
    }

    void flush(Conn c, SelectionKey key) throws IOException {
      if (c.out != null) {
        c.ch.write(c.out);
        if (!c.out.hasRemaining()) {
          c.out = null;
        }
      }
      int ops = SelectionKey.OP_READ | (c.out != null ? SelectionKey.OP_WRITE : 0);
      if (key.interestOps() != ops) {
        key.interestOps(ops);
      }
    }

    void read(Conn c, SelectionKey key) throws IOException {
      ByteBuffer b = buf;
      b.clear();
      if (c.pendingLen > 0) {
        b.put(c.pending, 0, c.pendingLen);
        c.pendingLen = 0;
      }
      int n = c.ch.read(b);
      long now = System.nanoTime();
      reads++;
      if (n < 0) {
        fail(c, c.state == OPEN ? "closed by the edge (no close frame)" : "EOF during handshake");
        return;
      }
      b.flip();
      int p = 0;
      int limit = b.limit();
      if (c.state == HANDSHAKE) {
        int end = headerEnd(b, limit);
        if (end < 0) {
          keep(c, b, 0, limit);
          return;
        }
        String status = statusLine(b, end);
        if (!status.startsWith("HTTP/1.1 101")) {
          fail(c, "handshake: " + status);
          return;
        }
        c.state = OPEN;
        opened.incrementAndGet();
        p = end;
      }
      p = frames(c, key, b, p, limit, now);
      if (p < limit) {
        keep(c, b, p, limit);
      }
      if (measuredFrames != m) {
        lastMeasuredNanos = last;
        measuredFrames = m;
      }
      if (warmupFrames != w) {
        warmupFrames = w;
      }
    }

    /** Parses whole frames from p; returns where the first incomplete one starts. */
    int frames(Conn c, SelectionKey key, ByteBuffer b, int p, int limit, long now)
        throws IOException {
      while (limit - p >= 2) {
        int b0 = b.get(p) & 0xff;
        int b1 = b.get(p + 1) & 0xff;
        int op = b0 & 0x0f;
        long len = b1 & 0x7f;
        int hdr = 2;
        if (len == 126) {
          if (limit - p < 4) {
            break;
          }
          len = ((b.get(p + 2) & 0xff) << 8) | (b.get(p + 3) & 0xff);
          hdr = 4;
        } else if (len == 127) {
          if (limit - p < 10) {
            break;
          }
          len = b.getLong(p + 2);
          hdr = 10;
        }
        if ((b1 & 0x80) != 0) {
          hdr += 4; // a server never masks; tolerated
        }
        if (len > b.capacity() / 2) {
          fail(c, "frame of " + len + " bytes");
          return limit;
        }
        if (limit - p < hdr + len) {
          break;
        }
        int q = p + hdr;
        int end = (int) (q + len);
        switch (op) {
          case 1 -> text(c, b, q, end, now);
          case 9 -> pong(c, key, b, q, end);
          case 8 -> {
            int code = len >= 2 ? ((b.get(q) & 0xff) << 8) | (b.get(q + 1) & 0xff) : 1005;
            byte[] reason = new byte[(int) Math.max(0, len - 2)];
            b.get(q + 2, reason);
            fail(c, "close " + code + " " + new String(reason, StandardCharsets.UTF_8));
            return limit;
          }
          case 10 -> {}
          default -> otherFrames++;
        }
        p = end;
      }
      return p;
    }

    void text(Conn c, ByteBuffer b, int q, int end, long now) {
      // {"t":123456789}: the digits after the first ':'
      int i = q;
      while (i < end && b.get(i) != ':') {
        i++;
      }
      i++;
      boolean negative = i < end && b.get(i) == '-';
      if (negative) {
        i++;
      }
      long t = 0;
      int digits = 0;
      while (i < end) {
        int d = b.get(i) - '0';
        if (d < 0 || d > 9) {
          break;
        }
        t = t * 10 + d;
        digits++;
        i++;
      }
      if (digits == 0) {
        otherFrames++;
        return;
      }
      if (negative) {
        t = -t;
      }
      long us = (now - t) / 1000;
      if (t >= measureStart) {
        measuredHist.record(us);
        scheduleHist.record(us + lag(t) / 1000);
        c.measured++;
        m++;
        last = now;
      } else {
        warm.record(us);
        w++;
      }
    }

    void pong(Conn c, SelectionKey key, ByteBuffer b, int q, int end) throws IOException {
      pings++;
      int len = end - q;
      if (len > 125) {
        return;
      }
      // a client frame must be masked; a zero mask leaves the payload as it is
      ByteBuffer f = ByteBuffer.allocate(6 + len);
      f.put((byte) 0x8A).put((byte) (0x80 | len)).putInt(0);
      for (int i = q; i < end; i++) {
        f.put(b.get(i));
      }
      f.flip();
      if (c.out == null) {
        c.out = f;
      } else {
        ByteBuffer both = ByteBuffer.allocate(c.out.remaining() + f.remaining());
        both.put(c.out).put(f).flip();
        c.out = both;
      }
      flush(c, key);
    }

    void keep(Conn c, ByteBuffer b, int from, int to) {
      int n = to - from;
      if (c.pending.length < n) {
        c.pending = new byte[Math.max(n, 256)];
      }
      b.get(from, c.pending, 0, n);
      c.pendingLen = n;
    }

    void fail(Conn c, String reason) {
      if (c.state == OPEN) {
        closedAfterOpen.incrementAndGet();
      } else if (c.state != CLOSED) {
        connectFailures.incrementAndGet();
      }
      if (c.state != CLOSED) {
        failure(reason);
      }
      c.state = CLOSED;
      try {
        c.ch.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  static int headerEnd(ByteBuffer b, int limit) {
    for (int i = 3; i < limit; i++) {
      if (b.get(i) == '\n' && b.get(i - 1) == '\r' && b.get(i - 2) == '\n' && b.get(i - 3) == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  static String statusLine(ByteBuffer b, int end) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < end && b.get(i) != '\r'; i++) {
      s.append((char) b.get(i));
    }
    return s.toString();
  }

  byte[] handshake() {
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    String request =
        "GET " + path + "?channels=" + channel + " HTTP/1.1\r\n"
            + "Host: " + host + ":" + port + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";
    return request.getBytes(StandardCharsets.US_ASCII);
  }

  // --- publishing ---------------------------------------------------------------------------------

  /** One keep-alive publisher connection; runs one thread per phase. */
  final class Publisher implements Runnable {
    final int index;
    Socket socket;
    OutputStream out;
    InputStream in;
    final Histogram response = new Histogram();
    final Histogram lag = new Histogram();
    long recipients;
    long sent;
    long skipped; // due, but the phase was over before this connection was free
    long errors;
    long start;
    long deadline;
    int count;
    String firstError;

    Publisher(int index) throws IOException {
      this.index = index;
      connect();
    }

    void connect() throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), 5000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 8192);
    }

    /** Starts a phase of count publishes, the first due at start; returns its thread. */
    Thread phase(long start, int count) {
      this.start = start;
      this.count = count;
      java.util.Arrays.fill(response.counts, 0);
      java.util.Arrays.fill(lag.counts, 0);
      response.total = response.max = lag.total = lag.max = 0;
      recipients = sent = skipped = errors = 0;
      deadline = start + count * (long) intervalMs * 1_000_000L;
      Thread thread = new Thread(this, "publisher-" + index);
      thread.setDaemon(true);
      thread.start();
      return thread;
    }

    @Override
    public void run() {
      long interval = intervalMs * 1_000_000L;
      byte[] prefix =
          ("POST /publish HTTP/1.1\r\nHost: " + host + ":" + port
                  + "\r\nContent-Type: application/json\r\nContent-Length: ")
              .getBytes(StandardCharsets.US_ASCII);
      byte[] buf = new byte[512];
      for (int i = index; i < count; i += publishers) {
        long due = start + i * interval;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        long t = System.nanoTime();
        if (t >= deadline) {
          skipped++; // the schedule slipped past the end of the phase: not sent
          continue;
        }
        putLag(t, t - due);
        byte[] body = ("{\"@\":\"" + channel + "\",\"t\":" + t + "}").getBytes(StandardCharsets.US_ASCII);
        byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        int n = 0;
        System.arraycopy(prefix, 0, buf, n, prefix.length);
        n += prefix.length;
        System.arraycopy(length, 0, buf, n, length.length);
        n += length.length;
        System.arraycopy(body, 0, buf, n, body.length);
        n += body.length;
        try {
          out.write(buf, 0, n);
          out.flush();
          sent++;
          lag.record((t - due) / 1000);
          String answer = readResponse();
          response.record((System.nanoTime() - t) / 1000);
          Matcher r = RECIPIENTS.matcher(answer);
          if (answer.startsWith("HTTP/1.1 200") && r.find()) {
            recipients += Long.parseLong(r.group(1));
          } else {
            errors++;
            if (firstError == null) {
              firstError = answer.length() > 300 ? answer.substring(0, 300) : answer;
            }
          }
        } catch (IOException e) {
          errors++;
          if (firstError == null) {
            firstError = e.toString();
          }
          try {
            socket.close();
            connect();
          } catch (IOException again) {
            return;
          }
        }
      }
    }

    /** Status line, headers and body of one response (Content-Length bodies only). */
    String readResponse() throws IOException {
      StringBuilder head = new StringBuilder();
      int state = 0;
      while (state < 4) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("connection closed by the edge");
        }
        head.append((char) c);
        state =
            (c == '\r' && (state == 0 || state == 2))
                ? state + 1
                : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      }
      Matcher length = CONTENT_LENGTH.matcher(head);
      int n = length.find() ? Integer.parseInt(length.group(1)) : 0;
      byte[] body = in.readNBytes(n);
      return head + new String(body, StandardCharsets.UTF_8);
    }
  }

  static final Pattern RECIPIENTS = Pattern.compile("\"recipients\"\\s*:\\s*(\\d+)");
  static final Pattern CONTENT_LENGTH =
      Pattern.compile("(?i)\r\ncontent-length:\\s*(\\d+)");

  /** Runs one phase of count publishes on every publisher; returns when all are done. */
  long publish(List<Publisher> pool, int count, boolean measured) throws InterruptedException {
    long start = System.nanoTime() + 20_000_000L;
    if (measured) {
      measureStart = start;
    }
    List<Thread> threads = new ArrayList<>();
    for (Publisher p : pool) {
      threads.add(p.phase(start, count));
    }
    for (Thread t : threads) {
      t.join();
    }
    return start;
  }

  // --- the edge's process -------------------------------------------------------------------------

  record Cpu(long edge, long workers, long machine, long self, long nanos) {}

  static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  static List<Long> children(long parent) {
    List<Long> pids = new ArrayList<>();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String name = d.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(d.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          if (Long.parseLong(f[1]) == parent) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException | RuntimeException ignored) {
          // gone
        }
      }
    } catch (IOException ignored) {
      // no /proc
    }
    return pids;
  }

  static long machineTicks() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          // user nice system irq softirq steal (idle and iowait left out)
          return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
              + Long.parseLong(f[6]) + Long.parseLong(f[7]) + Long.parseLong(f[8]);
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // none
    }
    return 0;
  }

  static long selfCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  Cpu cpu(List<Long> workers) {
    long w = 0;
    for (long pid : workers) {
      w += ticks(pid);
    }
    return new Cpu(ticks(edgePid), w, machineTicks(), selfCpuNanos(), System.nanoTime());
  }

  /** Per-thread CPU ticks of a process: "name" -> ticks (threads of one name summed). */
  static Map<String, Long> threadTicks(long pid) {
    Map<String, Long> result = new TreeMap<>();
    try (var dirs = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        try {
          String stat = Files.readString(d.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          name = name.replaceAll("[0-9]+$", "*");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          result.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
        } catch (IOException | RuntimeException ignored) {
          // gone
        }
      }
    } catch (IOException ignored) {
      // gone
    }
    return result;
  }

  static String busiestThreads(Map<String, Long> before, Map<String, Long> after, double seconds) {
    List<Map.Entry<String, Long>> deltas = new ArrayList<>();
    for (var e : after.entrySet()) {
      long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      if (d > 0) {
        deltas.add(Map.entry(e.getKey(), d));
      }
    }
    deltas.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(6, deltas.size()); i++) {
      double pct = 100.0 * deltas.get(i).getValue() / clkTck / seconds;
      if (pct < 1) {
        break;
      }
      s.append(s.length() == 0 ? "" : ", ")
          .append(deltas.get(i).getKey())
          .append(' ')
          .append(String.format("%.0f%%", pct));
    }
    return s.toString();
  }

  static String rssMb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format("%.0f", kb / 1024.0);
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // gone
    }
    return "-";
  }

  static String jdkTool(String tool, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", tool).toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** "used/committed MB" of the heap, from jcmd GC.heap_info's first line. */
  static String[] heap(long pid) {
    String out = jdkTool("jcmd", Long.toString(pid), "GC.heap_info");
    Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
    if (m.find()) {
      return new String[] {
        String.format("%.0f", Long.parseLong(m.group(2)) / 1024.0),
        String.format("%.0f", Long.parseLong(m.group(1)) / 1024.0),
        out.trim()
      };
    }
    return new String[] {"-", "-", out.trim()};
  }

  /** jstat -gc: column -> value. */
  static Map<String, Double> gc(long pid) {
    String out = jdkTool("jstat", "-gc", Long.toString(pid));
    String[] lines = out.trim().split("\n");
    Map<String, Double> result = new LinkedHashMap<>();
    if (lines.length >= 2) {
      String[] names = lines[0].trim().split("\\s+");
      String[] values = lines[1].trim().split("\\s+");
      for (int i = 0; i < Math.min(names.length, values.length); i++) {
        try {
          result.put(names[i], Double.parseDouble(values[i]));
        } catch (NumberFormatException ignored) {
          // "-"
        }
      }
    }
    return result;
  }

  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  String get(String pathAndQuery) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + pathAndQuery))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  int presence() {
    Matcher m =
        Pattern.compile("\"count\"\\s*:\\s*(\\d+)")
            .matcher(get(path + "/presence?channel=" + channel));
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** The realtime section of /diagnostics: name -> number. */
  Map<String, Long> diagnostics() {
    String body = get("/diagnostics");
    Map<String, Long> result = new LinkedHashMap<>();
    int at = body.indexOf("\"realtime\"");
    if (at < 0) {
      return result;
    }
    int end = body.indexOf('}', at);
    Matcher m =
        Pattern.compile("\"(\\w+)\"\\s*:\\s*(\\d+)").matcher(body.substring(at, end < 0 ? body.length() : end));
    while (m.find()) {
      result.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return result;
  }

  // --- run ----------------------------------------------------------------------------------------

  final Map<String, String> results = new LinkedHashMap<>();

  void result(String key, Object value) {
    results.put(key, String.valueOf(value));
  }

  void run() throws Exception {
    int totalPublishes = (int) ((warmupS + durationS) * 1000L / intervalMs) + 16;
    int size = Integer.highestOneBit(totalPublishes * 4 - 1) << 1;
    lagKeys = new java.util.concurrent.atomic.AtomicLongArray(size);
    lagValues = new long[size];
    lagMask = size - 1;
    Loop[] ls = new Loop[loops];
    for (int i = 0; i < loops; i++) {
      ls[i] = new Loop(i);
      ls[i].start();
    }
    // connect at connectRate per second, in slices of 10 ms
    log("connecting " + clients + " clients at " + connectRate + "/s on " + loops + " selector threads");
    conns = new Conn[clients];
    InetSocketAddress address = new InetSocketAddress(host, port);
    long t0 = System.nanoTime();
    long connectDeadline = t0 + (long) (clients * 1e9 / connectRate) + 60_000_000_000L;
    for (int i = 0; i < clients; i++) {
      long due = t0 + (long) (i * 1e9 / connectRate);
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      Conn c = new Conn(i);
      try {
        c.ch = SocketChannel.open();
        c.ch.configureBlocking(false);
        c.ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        c.ch.connect(address);
      } catch (IOException e) {
        connectFailures.incrementAndGet();
        failure("connect: " + e.getMessage());
        c.state = CLOSED;
        if (c.ch != null) {
          c.ch.close();
        }
        conns[i] = c;
        continue;
      }
      conns[i] = c;
      ls[i % loops].add(c);
      if (i > 0 && i % 2000 == 0) {
        log(i + " connecting, " + opened.get() + " open");
      }
    }
    while (opened.get() + connectFailures.get() < clients && System.nanoTime() < connectDeadline) {
      Thread.sleep(50);
    }
    double connectS = (System.nanoTime() - t0) / 1e9;
    log(opened.get() + " open after " + String.format("%.1f", connectS) + " s, " + connectFailures.get() + " failed" + (failures.isEmpty() ? "" : " " + failures));
    result("clients_requested", clients);
    result("clients_open", opened.get());
    result("connect_failures", connectFailures.get());
    result("connect_s", String.format("%.1f", connectS));
    // presence: every open client subscribed (its open event answered by the app)
    long presenceDeadline = System.nanoTime() + presenceTimeoutS * 1_000_000_000L;
    int present;
    int seen = -1;
    long changed = System.nanoTime();
    while ((present = presence()) < opened.get() - closedAfterOpen.get()
        && System.nanoTime() < presenceDeadline) {
      if (present != seen) {
        seen = present;
        changed = System.nanoTime();
      } else if (System.nanoTime() - changed > 10_000_000_000L) {
        log("presence stays at " + present + " of " + (opened.get() - closedAfterOpen.get()) + " open clients");
        break;
      }
      Thread.sleep(500);
    }
    double subscribedS = (System.nanoTime() - t0) / 1e9;
    log("presence " + present + " after " + String.format("%.1f", subscribedS) + " s");
    result("presence", present);
    result("subscribed_s", String.format("%.1f", subscribedS));
    if (present <= 0) {
      die("no client is in " + channel + " (presence " + present + ")");
    }

    List<Publisher> pool = new ArrayList<>();
    for (int i = 0; i < publishers; i++) {
      pool.add(new Publisher(i));
    }
    // warm-up
    int warmCount = (int) (warmupS * 1000L / intervalMs);
    if (warmCount > 0) {
      log("warm-up: " + warmCount + " publishes, one every " + intervalMs + " ms");
      publish(pool, warmCount, false);
      long expected = pool.stream().mapToLong(p -> p.recipients).sum();
      drain(ls, expected, false);
      Histogram h = new Histogram();
      for (Loop l : ls) {
        h.add(l.warm);
      }
      long got = 0;
      for (Loop l : ls) {
        got += l.warmupFrames;
      }
      log("warm-up: " + got + "/" + expected + " delivered, p50 " + ms(h.quantile(0.5)) + " ms, p99 " + ms(h.quantile(0.99)) + " ms, max " + ms(h.max) + " ms");
      result("warmup_publishes", warmCount);
      result("warmup_expected", expected);
      result("warmup_received", got);
      result("warmup_p50_ms", ms(h.quantile(0.5)));
      result("warmup_p99_ms", ms(h.quantile(0.99)));
      result("warmup_max_ms", ms(h.max));
    }

    // measured
    int count = (int) (durationS * 1000L / intervalMs);
    List<Long> workers = edgePid > 0 ? children(edgePid) : List.of();
    Map<String, Long> diag0 = diagnostics();
    Map<String, Double> gc0 = edgePid > 0 ? gc(edgePid) : Map.of();
    String rss0 = edgePid > 0 ? rssMb(edgePid) : "-";
    String[] heap0 = edgePid > 0 ? heap(edgePid) : new String[] {"-", "-", ""};
    Map<String, Long> edgeThreads0 = edgePid > 0 ? threadTicks(edgePid) : Map.of();
    Map<String, Long> selfThreads0 = threadTicks(ProcessHandle.current().pid());
    int openBefore = opened.get() - closedAfterOpen.get();
    log("measuring: " + count + " publishes, one every " + intervalMs + " ms, to " + openBefore + " clients");
    List<Publisher> ps = pool;
    Cpu c0 = cpu(workers);
    long start = publish(ps, count, true);
    long lastPublish = System.nanoTime();
    long expected = ps.stream().mapToLong(p -> p.recipients).sum();
    drain(ls, expected, true);
    Cpu c1 = cpu(workers);
    Map<String, Long> edgeThreads1 = edgePid > 0 ? threadTicks(edgePid) : Map.of();
    Map<String, Long> selfThreads1 = threadTicks(ProcessHandle.current().pid());
    double wall = (c1.nanos - c0.nanos) / 1e9;
    double publishWall = (lastPublish - start) / 1e9;

    Histogram h = new Histogram();
    Histogram fromSchedule = new Histogram();
    long received = 0;
    long lastReceive = 0;
    for (Loop l : ls) {
      received += l.measuredFrames;
      lastReceive = Math.max(lastReceive, l.lastMeasuredNanos);
    }
    // the figures after the measured phase, clients still connected
    Map<String, Long> diag1 = diagnostics();
    Map<String, Double> gc1 = edgePid > 0 ? gc(edgePid) : Map.of();
    String rss1 = edgePid > 0 ? rssMb(edgePid) : "-";
    String[] heap1 = edgePid > 0 ? heap(edgePid) : new String[] {"-", "-", ""};
    int openAfter = opened.get() - closedAfterOpen.get();
    for (Loop l : ls) {
      l.running = false;
      l.selector.wakeup();
    }
    for (Loop l : ls) {
      l.join(2000);
      h.add(l.measuredHist);
      fromSchedule.add(l.scheduleHist);
    }
    long sent = 0;
    long skipped = 0;
    long errors = 0;
    Histogram response = new Histogram();
    Histogram lag = new Histogram();
    String firstError = null;
    for (Publisher p : ps) {
      sent += p.sent;
      skipped += p.skipped;
      errors += p.errors;
      response.add(p.response);
      lag.add(p.lag);
      if (firstError == null) {
        firstError = p.firstError;
      }
    }
    int minPerClient = Integer.MAX_VALUE;
    int maxPerClient = 0;
    for (Conn c : conns) {
      if (c != null && c.state == OPEN) {
        minPerClient = Math.min(minPerClient, c.measured);
        maxPerClient = Math.max(maxPerClient, c.measured);
      }
    }
    long pings = 0;
    long reads = 0;
    long other = 0;
    long frames = 0;
    for (Loop l : ls) {
      pings += l.pings;
      reads += l.reads;
      other += l.otherFrames;
      frames += l.m + l.w + l.pings + l.otherFrames;
    }
    double deliverySpan = lastReceive > 0 ? (lastReceive - start) / 1e9 : 0;
    result("publishes_scheduled", count);
    result("publishes_sent", sent);
    result("publishes_not_sent", skipped);
    result("publish_errors", errors);
    result("publish_first_error", firstError == null ? "-" : firstError.replaceAll("\\s+", " "));
    result("publish_wall_s", String.format("%.2f", publishWall));
    result("publish_rate", String.format("%.1f", sent / publishWall));
    result("publish_response_p50_ms", ms(response.quantile(0.5)));
    result("publish_response_p99_ms", ms(response.quantile(0.99)));
    result("publish_response_max_ms", ms(response.max));
    result("publish_lag_p99_ms", ms(lag.quantile(0.99)));
    result("publish_lag_max_ms", ms(lag.max));
    result("publish_late_over_5ms", String.format("%.2f%%", 100 * lag.above(5000)));
    result("clients_open_before", openBefore);
    result("clients_open_after", openAfter);
    result("expected_deliveries_clients_x_publishes", (long) openBefore * sent);
    result("expected_deliveries_edge_recipients", expected);
    result("received", received);
    result("lost", expected - received);
    result("per_client_min", minPerClient == Integer.MAX_VALUE ? 0 : minPerClient);
    result("per_client_max", maxPerClient);
    result("deliveries_per_s", String.format("%.0f", received / Math.max(publishWall, deliverySpan)));
    result("delivery_span_s", String.format("%.2f", deliverySpan));
    result("latency_p50_ms", ms(h.quantile(0.50)));
    result("latency_p90_ms", ms(h.quantile(0.90)));
    result("latency_p99_ms", ms(h.quantile(0.99)));
    result("latency_p999_ms", ms(h.quantile(0.999)));
    result("latency_max_ms", ms(h.max));
    result("latency_over_target", String.format("%.3f%%", 100 * h.above(targetMs * 1000)));
    result("from_schedule_p50_ms", ms(fromSchedule.quantile(0.50)));
    result("from_schedule_p99_ms", ms(fromSchedule.quantile(0.99)));
    result("from_schedule_max_ms", ms(fromSchedule.max));
    result("client_reads", reads);
    result("frames_per_read", String.format("%.2f", reads == 0 ? 0 : frames / (double) reads));
    result("pings_answered", pings);
    result("other_frames", other);
    result("window_s", String.format("%.2f", wall));
    result("client_cpu_pct", String.format("%.0f", 100 * (c1.self - c0.self) / 1e9 / wall));
    result("client_threads", busiestThreads(selfThreads0, selfThreads1, wall));
    if (edgePid > 0) {
      result("edge_cpu_pct", String.format("%.0f", 100.0 * (c1.edge - c0.edge) / clkTck / wall));
      result("workers", workers.size());
      result("workers_cpu_pct", String.format("%.0f", 100.0 * (c1.workers - c0.workers) / clkTck / wall));
      double machine = 100.0 * (c1.machine - c0.machine) / clkTck / wall;
      double others =
          machine
              - 100.0 * (c1.edge - c0.edge + c1.workers - c0.workers) / clkTck / wall
              - 100 * (c1.self - c0.self) / 1e9 / wall;
      result("machine_cpu_pct", String.format("%.0f", machine));
      result("other_cpu_pct", String.format("%.0f", Math.max(0, others)));
      result("edge_cpu_us_per_delivery", String.format("%.2f", received == 0 ? 0 : (c1.edge - c0.edge) * 1e6 / clkTck / received));
      result("edge_threads", busiestThreads(edgeThreads0, edgeThreads1, wall));
      result("edge_rss_mb_before", rss0);
      result("edge_rss_mb_after", rss1);
      result("edge_heap_used_mb_before", heap0[0]);
      result("edge_heap_committed_mb_before", heap0[1]);
      result("edge_heap_used_mb_after", heap1[0]);
      result("edge_heap_committed_mb_after", heap1[1]);
      result("edge_heap_info_after", heap1[2].replaceAll("\\s+", " "));
      for (String k : List.of("YGC", "YGCT", "FGC", "FGCT", "CGC", "CGCT", "GCT")) {
        if (gc0.containsKey(k) && gc1.containsKey(k)) {
          double d = gc1.get(k) - gc0.get(k);
          result("edge_gc_" + k, k.endsWith("T") ? String.format("%.3f", d) : String.format("%.0f", d));
        }
      }
    }
    for (String k : List.of("deliveries", "dropped", "slowConsumers", "published", "clients")) {
      if (diag1.containsKey(k)) {
        result(
            "diag_" + k,
            k.equals("clients") ? diag1.get(k) : diag1.get(k) - diag0.getOrDefault(k, 0L));
      }
    }
    synchronized (this) {
      result("failures", failures.isEmpty() ? "-" : failures.toString());
    }

    StringBuilder text = new StringBuilder();
    results.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    System.out.print(text);
    if (resultFile != null) {
      try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(resultFile)))) {
        w.print(text);
      }
    }
    for (Conn c : conns) {
      if (c != null && c.ch != null) {
        try {
          c.ch.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
    for (Publisher p : ps) {
      p.socket.close();
    }
    System.exit(0);
  }

  /** Waits until the loops received expected frames of the phase, or nothing came for 3 s. */
  void drain(Loop[] ls, long expected, boolean measured) throws InterruptedException {
    long deadline = System.nanoTime() + drainS * 1_000_000_000L;
    long last = -1;
    long lastChange = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long got = 0;
      for (Loop l : ls) {
        got += measured ? l.measuredFrames : l.warmupFrames;
      }
      if (got >= expected) {
        return;
      }
      if (got != last) {
        last = got;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > 3_000_000_000L) {
        log("drain: nothing more after 3 s (" + got + "/" + expected + ")");
        return;
      }
      Thread.sleep(20);
    }
    log("drain: gave up after " + drainS + " s");
  }
}
