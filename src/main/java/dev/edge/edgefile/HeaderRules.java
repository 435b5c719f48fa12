package dev.edge.edgefile;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;

/**
 * Header edits of a route, applied to the request before it is sent on and to the response before
 * it goes back to the client. Removals run before sets.
 *
 * @param request edits to the request
 * @param response edits to the response
 */
public record HeaderRules(Edits request, Edits response) {

  /** No edits. */
  public static final HeaderRules NONE = new HeaderRules(Edits.NONE, Edits.NONE);

  /** Whether there is nothing to do. */
  public boolean isEmpty() {
    return request.isEmpty() && response.isEmpty();
  }

  /**
   * Edits of one header set.
   *
   * @param set header name to value, replacing any present values
   * @param remove header names to remove (case-insensitive)
   */
  public record Edits(Map<String, String> set, List<String> remove) {

    /** No edits. */
    public static final Edits NONE = new Edits(Map.of(), List.of());

    /** Whether there is nothing to do. */
    public boolean isEmpty() {
      return set.isEmpty() && remove.isEmpty();
    }

    /** Applies the edits to {@code headers}: removals first, then sets. */
    public void applyTo(HttpHeaders headers) {
      for (String name : remove) {
        headers.remove(name);
      }
      set.forEach(headers::set);
    }
  }
}
