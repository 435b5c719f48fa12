package dev.edge.mdns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.edgefile.EdgeConfig;
import dev.edge.edgefile.EdgeTls;
import dev.edge.edgefile.SiteRealtime;
import dev.edge.edgefile.SiteTls;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdvertisementsTest {

  private static EdgeConfig config(List<String> shop, List<String> blog) {
    Map<String, EdgeConfig.Site> sites = new LinkedHashMap<>();
    sites.put(
        "shop", new EdgeConfig.Site("shop", shop, List.of(), SiteTls.NONE, SiteRealtime.NONE));
    sites.put(
        "blog", new EdgeConfig.Site("blog", blog, List.of(), SiteTls.NONE, SiteRealtime.NONE));
    return new EdgeConfig(1, Map.of(), sites, EdgeTls.NONE, true);
  }

  @Test
  void edgeLocalThenEverySingleLabelLocalHostInDeclarationOrder() {
    Advertisements ads =
        Advertisements.of(
            config(
                List.of("shop.local", "www.shop.local", "*.wild.local", "shop.example.com", "*"),
                List.of("blog.local", "localhost", "blog.localhost")),
            8080,
            -1);
    assertThat(ads.hosts().values())
        .containsExactly(
            new Advertisement("edge.local", false, 8080, "/_edge/"),
            new Advertisement("shop.local", false, 8080, "/"),
            new Advertisement("blog.local", false, 8080, "/"));
    assertThat(ads.skipped()).containsExactly("www.shop.local");
    assertThat(ads.urls())
        .containsExactly(
            "http://edge.local:8080/_edge/", "http://shop.local:8080/", "http://blog.local:8080/");
  }

  @Test
  void theHttpsListenerWhenItIsOnAndDefaultPortsLeftOutOfTheUrls() {
    Advertisements https = Advertisements.of(config(List.of("shop.local"), List.of()), 80, 443);
    assertThat(https.hosts().get("shop.local"))
        .isEqualTo(new Advertisement("shop.local", true, 443, "/"));
    assertThat(https.hosts().get("shop.local").serviceType()).isEqualTo("_https._tcp.local.");
    assertThat(https.urls()).containsExactly("https://edge.local/_edge/", "https://shop.local/");
    Advertisements http = Advertisements.of(config(List.of("shop.local"), List.of()), 80, -1);
    assertThat(http.hosts().get("shop.local").serviceType()).isEqualTo("_http._tcp.local.");
    assertThat(http.urls()).containsExactly("http://edge.local/_edge/", "http://shop.local/");
    assertThat(http.hosts().get("shop.local").label()).isEqualTo("shop");
  }

  @Test
  void aSiteThatServesEdgeLocalMakesItsPathTheRoot() {
    Advertisements ads =
        Advertisements.of(config(List.of("shop.local"), List.of("edge.local")), 8080, -1);
    assertThat(ads.hosts().values())
        .containsExactly(
            new Advertisement("edge.local", false, 8080, "/"),
            new Advertisement("shop.local", false, 8080, "/"));
  }
}
