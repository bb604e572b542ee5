package org.hartbatch.gallery;

import java.nio.file.Path;
import java.util.List;
import org.hartbatch.protocol.events.CatalogCompleted;

/**
 * The HTML page of one completed catalog: a grid of thumbnails, each captioned with its prompt,
 * seed and job id and linking to the full image. Image links are relative to the page, so the page
 * works from the bucket as well as from a local copy of the catalog's folder.
 */
public final class ContactSheet {

  /** File name of the page, next to the catalog's images. */
  public static final String FILE_NAME = "index.html";

  private ContactSheet() {}

  /**
   * The page stored under {@code pageKey} for {@code completed}, showing {@code entries} in the
   * given order.
   */
  public static String html(
      String pageKey, CatalogCompleted completed, List<GalleryEntry> entries) {
    String catalog = escape(completed.catalogId());
    StringBuilder page = new StringBuilder(1024 + 512 * entries.size());
    page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>HART Batch: ")
        .append(catalog)
        .append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:1.5rem;background:#fafafa;color:#222}\n")
        .append(".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));")
        .append("gap:1rem}\n")
        .append("figure{margin:0;background:#fff;border:1px solid #ddd;padding:.5rem}\n")
        .append("img{width:100%;height:auto;image-rendering:pixelated;display:block}\n")
        .append("figcaption{font-size:.8rem;margin-top:.4rem;overflow-wrap:anywhere}\n")
        .append(".meta{color:#666;font-family:monospace}\n</style>\n</head>\n<body>\n")
        .append("<h1>Catalog ")
        .append(catalog)
        .append("</h1>\n<p>")
        .append(completed.succeeded())
        .append(" of ")
        .append(completed.totalJobs())
        .append(" jobs rendered, ")
        .append(completed.failed())
        .append(" failed; completed ")
        .append(completed.completedAt())
        .append(". Showing ")
        .append(entries.size())
        .append(".</p>\n<div class=\"grid\">\n");
    Path pageFolder = folderOf(pageKey);
    for (GalleryEntry entry : entries) {
      String src = escape(pageFolder.relativize(Path.of(entry.imageKey())).toString());
      String prompt = escape(entry.prompt());
      page.append("<figure><a href=\"")
          .append(src)
          .append("\"><img src=\"")
          .append(src)
          .append("\" alt=\"")
          .append(prompt)
          .append("\"></a><figcaption>")
          .append(prompt)
          .append("<br><span class=\"meta\">seed ")
          .append(entry.seed())
          .append(" · job ")
          .append(escape(entry.jobId()))
          .append("</span></figcaption></figure>\n");
    }
    return page.append("</div>\n</body>\n</html>\n").toString();
  }

  private static Path folderOf(String key) {
    Path parent = Path.of(key).getParent();
    return parent == null ? Path.of("") : parent;
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
