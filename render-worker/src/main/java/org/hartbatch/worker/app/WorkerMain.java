package org.hartbatch.worker.app;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import sun.misc.Signal;

/**
 * Runs the worker until SIGTERM or SIGINT, then shuts down gracefully (see {@link WorkerService})
 * and exits 0: a requested stop is not a failure, so that orchestrators and scripts do not report
 * one. A JVM left to its default signal handling would exit 143.
 */
@QuarkusMain
public class WorkerMain implements QuarkusApplication {

  public static void main(String... args) {
    Quarkus.run(WorkerMain.class, args);
  }

  @Override
  public int run(String... args) {
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> Quarkus.asyncExit(0));
    }
    Quarkus.waitForExit();
    return 0;
  }
}
