package org.hartbatch.protocol;

/** Image encoding of a rendered job. Only lossless PNG is offered. */
public enum OutputFormat {
  PNG("image/png", "png");

  private final String contentType;
  private final String extension;

  OutputFormat(String contentType, String extension) {
    this.contentType = contentType;
    this.extension = extension;
  }

  public String contentType() {
    return contentType;
  }

  /** File name extension without the dot. */
  public String extension() {
    return extension;
  }
}
