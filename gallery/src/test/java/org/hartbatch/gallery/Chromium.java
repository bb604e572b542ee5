package org.hartbatch.gallery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Loads a page in headless Chromium (Debian's {@code chromium} package) and reports how many of its
 * images rendered. The page is served over HTTP from a folder together with a probe page that
 * frames it and, once it has loaded, writes the counts into its own DOM, which Chromium prints.
 */
final class Chromium {

  private static final Pattern COUNTS =
      Pattern.compile("data-images=\"(\\d+)\" data-rendered=\"(\\d+)\"");

  /** Images on the page and those that decoded to a picture ({@code naturalWidth > 0}). */
  record ImageCounts(int images, int rendered) {}

  private Chromium() {}

  /** The browser, or a skipped test naming the package to install. */
  static Path require() {
    Optional<Path> browser = find();
    Assumptions.assumeTrue(
        browser.isPresent(),
        "chromium is not installed (apt-get install -y chromium; .ci/run installs it): skipping"
            + " the browser check");
    return browser.get();
  }

  private static Optional<Path> find() {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator))
        .flatMap(dir -> Stream.of("chromium", "chromium-browser").map(name -> Path.of(dir, name)))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Loads {@code root/pagePath} in the browser and counts its images. */
  static ImageCounts countImages(Path browser, Path root, String pagePath) throws Exception {
    Path probe = root.resolve("probe.html");
    Files.writeString(
        probe,
        "<!DOCTYPE html><html><body><iframe id=\"page\" width=\"1200\" height=\"2000\" src=\"/"
            + pagePath
            + "\"></iframe><script>"
            + "document.getElementById('page').addEventListener('load', () => {"
            + " const images = [...document.getElementById('page').contentDocument.images];"
            + " document.body.setAttribute('data-images', images.length);"
            + " document.body.setAttribute('data-rendered',"
            + "  images.filter(i => i.complete && i.naturalWidth > 0).length);"
            + "});</script></body></html>");
    HttpServer server = serve(root);
    Path profile = Files.createTempDirectory("chromium-profile");
    try {
      Process process =
          new ProcessBuilder(
                  browser.toString(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-dev-shm-usage",
                  "--user-data-dir=" + profile,
                  "--virtual-time-budget=10000",
                  "--dump-dom",
                  "http://127.0.0.1:" + server.getAddress().getPort() + "/probe.html")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String dom = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "chromium did not exit");
      assertEquals(0, process.exitValue(), "chromium failed; it printed: " + dom);
      Matcher counts = COUNTS.matcher(dom);
      assertTrue(counts.find(), "the probe page did not report, chromium printed: " + dom);
      return new ImageCounts(Integer.parseInt(counts.group(1)), Integer.parseInt(counts.group(2)));
    } finally {
      server.stop(0);
    }
  }

  private static HttpServer serve(Path root) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
          if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
          }
          byte[] body = Files.readAllBytes(file);
          String name = file.getFileName().toString();
          exchange
              .getResponseHeaders()
              .set(
                  "Content-Type",
                  name.endsWith(".html") ? "text/html; charset=utf-8" : "image/png");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return server;
  }
}
