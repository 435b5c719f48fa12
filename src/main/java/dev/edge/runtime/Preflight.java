package dev.edge.runtime;

import dev.edge.edgefile.AppDef;
import dev.edge.edgefile.AppDef.Launch;
import dev.edge.edgefile.EdgeConfig;
import dev.edge.edgefile.EdgeConfig.Route;
import dev.edge.edgefile.EdgeConfig.Site;
import dev.edge.edgefile.RouteAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The file-system checks of the stage step: what the Edgefile names must exist before anything
 * starts (validation itself reads nothing but the Edgefile, so it is deterministic).
 */
final class Preflight {

  private Preflight() {}

  /** Every missing file or directory the config needs, as messages; empty when all is there. */
  static List<String> missing(EdgeConfig config) {
    List<String> missing = new ArrayList<>();
    for (AppDef app : config.apps().values()) {
      Launch launch = app.launch();
      if (launch instanceof Launch.Jar jar && !Files.isRegularFile(jar.jar())) {
        missing.add("apps." + app.id() + ".jar: no such file " + jar.jar());
      } else if (launch instanceof Launch.MainClass main) {
        for (String entry : main.classpath()) {
          if (!entry.endsWith("*") && !Files.exists(Path.of(entry))) {
            missing.add("apps." + app.id() + ".classpath: no such file " + entry);
          }
        }
      } else if (launch instanceof Launch.Command command) {
        String program = command.argv().get(0);
        if (program.contains("/") && !Files.isExecutable(Path.of(program))) {
          missing.add("apps." + app.id() + ".command: not an executable file " + program);
        }
      }
    }
    for (Site site : config.sites().values()) {
      for (Route route : site.routes()) {
        if (route.action() instanceof RouteAction.Static files && !Files.isDirectory(files.dir())) {
          missing.add(route.field() + ".static: no such directory " + files.dir());
        }
      }
    }
    return missing;
  }
}
