package dev.edge.it;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A raw mDNS querier for {@code MdnsIT}, run inside the test's private network namespace (never on
 * a real interface): joins 224.0.0.251:5353 on {@code lo}, sends the queries it reads on stdin
 * ({@code query edge.local A}, {@code query _http._tcp.local PTR}) and prints every resource record
 * of every mDNS response it hears, one line each: {@code rr edge.local A ttl=120 127.0.0.1}, {@code
 * rr _http._tcp.local PTR ttl=0 edge._http._tcp.local} (a TTL of 0 is a goodbye). {@code http
 * METHOD URL} makes one HTTP request from inside the namespace and prints {@code http STATUS BODY}.
 * Only the JDK, so it runs from {@code target/test-classes}.
 */
public final class MdnsProbe {

  private static final InetSocketAddress GROUP = new InetSocketAddress("224.0.0.251", 5353);
  private static final Map<String, Integer> TYPES =
      Map.of("A", 1, "PTR", 12, "TXT", 16, "AAAA", 28, "SRV", 33, "ANY", 255);

  private MdnsProbe() {}

  /** Runs until stdin ends. */
  public static void main(String[] args) throws Exception {
    NetworkInterface lo = NetworkInterface.getByName("lo");
    MulticastSocket socket = new MulticastSocket(5353);
    socket.setNetworkInterface(lo);
    socket.joinGroup(GROUP, lo);
    socket.setTimeToLive(255);
    Thread listener =
        new Thread(
            () -> {
              byte[] buffer = new byte[9000];
              while (true) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                  socket.receive(packet);
                  for (String line : records(ByteBuffer.wrap(buffer, 0, packet.getLength()))) {
                    System.out.println(line);
                  }
                  System.out.flush();
                } catch (IOException | RuntimeException e) {
                  System.out.println("error " + e);
                  System.out.flush();
                }
              }
            },
            "probe-listener");
    listener.setDaemon(true);
    listener.start();
    System.out.println("probe ready");
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split("\\s+");
      if (words.length == 3 && words[0].equals("query")) {
        byte[] query = query(words[1], TYPES.get(words[2]));
        socket.send(new DatagramPacket(query, query.length, GROUP));
      } else if (words.length == 3 && words[0].equals("http")) {
        try {
          HttpResponse<String> response =
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(URI.create(words[2]))
                          .method(words[1], HttpRequest.BodyPublishers.noBody())
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
          System.out.println(
              "http " + response.statusCode() + " " + response.body().replaceAll("\\s+", " "));
        } catch (IOException e) {
          System.out.println("error " + e);
        }
        System.out.flush();
      }
    }
  }

  /** A one-question mDNS query (id 0, flags 0). */
  static byte[] query(String name, int type) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0});
    for (String label : name.split("\\.")) {
      byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
      out.write(bytes.length);
      out.writeBytes(bytes);
    }
    out.write(0);
    out.writeBytes(new byte[] {(byte) (type >> 8), (byte) type, 0, 1});
    return out.toByteArray();
  }

  /** The resource records of a response, one line each; nothing for a query. */
  static List<String> records(ByteBuffer packet) throws IOException {
    List<String> lines = new ArrayList<>();
    packet.getShort();
    int flags = packet.getShort() & 0xffff;
    if ((flags & 0x8000) == 0) {
      return lines;
    }
    int questions = packet.getShort() & 0xffff;
    int records =
        (packet.getShort() & 0xffff) + (packet.getShort() & 0xffff) + (packet.getShort() & 0xffff);
    for (int i = 0; i < questions; i++) {
      name(packet);
      packet.getInt();
    }
    for (int i = 0; i < records; i++) {
      String name = name(packet);
      int type = packet.getShort() & 0xffff;
      packet.getShort();
      long ttl = packet.getInt() & 0xffffffffL;
      int length = packet.getShort() & 0xffff;
      int end = packet.position() + length;
      String data;
      switch (type) {
        case 1 -> {
          byte[] address = new byte[4];
          packet.get(address);
          data = InetAddress.getByAddress(address).getHostAddress();
        }
        case 12 -> data = name(packet);
        case 33 -> {
          packet.getShort();
          packet.getShort();
          data = (packet.getShort() & 0xffff) + " " + name(packet);
        }
        case 16 -> {
          List<String> strings = new ArrayList<>();
          while (packet.position() < end) {
            byte[] text = new byte[packet.get() & 0xff];
            packet.get(text);
            strings.add(new String(text, StandardCharsets.UTF_8));
          }
          data = String.join(" ", strings);
        }
        default -> data = "(" + length + " bytes)";
      }
      packet.position(end);
      String typeName =
          TYPES.entrySet().stream()
              .filter(e -> e.getValue() == type)
              .map(Map.Entry::getKey)
              .findFirst()
              .orElse("TYPE" + type);
      lines.add("rr " + name + " " + typeName + " ttl=" + ttl + " " + data);
    }
    return lines;
  }

  /** A possibly compressed name, without the trailing dot. */
  private static String name(ByteBuffer packet) throws IOException {
    List<String> labels = new ArrayList<>();
    int resume = -1;
    int jumps = 0;
    while (true) {
      int length = packet.get() & 0xff;
      if (length == 0) {
        break;
      }
      if ((length & 0xc0) == 0xc0) {
        int pointer = ((length & 0x3f) << 8) | (packet.get() & 0xff);
        if (resume < 0) {
          resume = packet.position();
        }
        if (++jumps > 32) {
          throw new IOException("name compression loop");
        }
        packet.position(pointer);
        continue;
      }
      byte[] label = new byte[length];
      packet.get(label);
      labels.add(new String(label, StandardCharsets.UTF_8));
    }
    if (resume >= 0) {
      packet.position(resume);
    }
    return String.join(".", labels);
  }
}
