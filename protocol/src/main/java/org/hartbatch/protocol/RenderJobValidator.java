package org.hartbatch.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The rules of a {@link RenderJob}. Reports every broken rule, not only the first. */
public final class RenderJobValidator {

  /** Ids become parts of object keys and Kafka keys: keep them short and URL/S3-safe. */
  public static final NameFormat ID = new NameFormat("._-", true, 128);

  public static final NameFormat MODEL = new NameFormat("._/-", true, 128);
  public static final NameFormat KEY_SEGMENT = new NameFormat("._=-", false, Integer.MAX_VALUE);
  public static final NameFormat METADATA_KEY = new NameFormat("._-", false, 64);

  public static final int PROMPT_MAX_CHARS = 4096;
  public static final double GUIDANCE_MIN = 0.0;
  public static final double GUIDANCE_MAX = 50.0;

  /** HART's codebook size: a larger top-k keeps every token. */
  public static final int TOP_K_MAX = 4096;

  public static final int OUTPUT_PREFIX_MAX_CHARS = 256;
  public static final int METADATA_MAX_ENTRIES = 32;

  /** Keys and values together, in UTF-8 bytes. */
  public static final int METADATA_MAX_BYTES = 4096;

  private RenderJobValidator() {}

  /**
   * Names made of ASCII letters, digits and some punctuation: the regular expression {@link
   * #pattern()}, checked with a lookup table because every job of a catalog is checked.
   */
  public static final class NameFormat {
    private final String punctuation;
    private final boolean alnumFirst;
    private final int maxLength;
    private final boolean[] allowed = new boolean[128];

    /**
     * @param punctuation the characters allowed besides letters and digits
     * @param alnumFirst whether the first character must be a letter or digit
     * @param maxLength the most characters, {@link Integer#MAX_VALUE} for no limit
     */
    NameFormat(String punctuation, boolean alnumFirst, int maxLength) {
      this.punctuation = punctuation;
      this.alnumFirst = alnumFirst;
      this.maxLength = maxLength;
      for (char c = 0; c < allowed.length; c++) {
        allowed[c] = Character.isLetterOrDigit(c) || punctuation.indexOf(c) >= 0;
      }
    }

    public boolean matches(String value) {
      int length = value.length();
      if (length == 0 || length > maxLength) {
        return false;
      }
      for (int i = 0; i < length; i++) {
        char c = value.charAt(i);
        if (c >= allowed.length || !allowed[c]) {
          return false;
        }
      }
      return !alnumFirst || Character.isLetterOrDigit(value.charAt(0));
    }

    /** The format as a regular expression, for messages. */
    public String pattern() {
      String rest = "[A-Za-z0-9" + punctuation + "]";
      if (!alnumFirst) {
        return rest + (maxLength == Integer.MAX_VALUE ? "+" : "{1," + maxLength + "}");
      }
      return "[A-Za-z0-9]"
          + rest
          + (maxLength == Integer.MAX_VALUE ? "*" : "{0," + (maxLength - 1) + "}");
    }
  }

  public static List<Violation> validate(RenderJob job) {
    List<Violation> out = new ArrayList<>();
    if (job.schemaVersion() == null) {
      out.add(required("schemaVersion"));
    } else if (job.schemaVersion() != RenderJob.SCHEMA_VERSION) {
      out.add(
          new Violation(
              "schemaVersion",
              "supported",
              "version "
                  + job.schemaVersion()
                  + " is not supported; this reader understands "
                  + RenderJob.SCHEMA_VERSION));
    }
    checkId(out, "jobId", job.jobId());
    checkId(out, "catalogId", job.catalogId());
    checkPrompt(out, job.prompt());
    if (job.seed() == null) {
      out.add(required("seed"));
    }
    double guidance = job.guidanceScale();
    if (!(guidance >= GUIDANCE_MIN && guidance <= GUIDANCE_MAX)) {
      out.add(
          new Violation(
              "guidanceScale",
              "range",
              "must be between " + GUIDANCE_MIN + " and " + GUIDANCE_MAX + ", was " + guidance));
    }
    if (job.topK() != null && (job.topK() < 1 || job.topK() > TOP_K_MAX)) {
      out.add(
          new Violation(
              "topK", "range", "must be between 1 and " + TOP_K_MAX + ", was " + job.topK()));
    }
    if (job.topP() != null && !(job.topP() > 0.0 && job.topP() <= 1.0)) {
      out.add(new Violation("topP", "range", "must be in (0, 1], was " + job.topP()));
    }
    if (job.model() == null) {
      out.add(required("model"));
    } else if (!MODEL.matches(job.model())) {
      out.add(format("model", MODEL, job.model()));
    }
    if (job.modelRevision() != null && !ID.matches(job.modelRevision())) {
      out.add(format("modelRevision", ID, job.modelRevision()));
    }
    checkOutputPrefix(out, job.outputPrefix());
    checkMetadata(out, job.metadata());
    if (job.submittedAt() == null) {
      out.add(required("submittedAt"));
    }
    return out;
  }

  /** Whether {@code value} is a well-formed job or catalog id. */
  public static boolean isId(String value) {
    return value != null && ID.matches(value);
  }

  private static void checkId(List<Violation> out, String field, String value) {
    if (value == null) {
      out.add(required(field));
    } else if (!isId(value)) {
      out.add(format(field, ID, value));
    }
  }

  private static void checkPrompt(List<Violation> out, String prompt) {
    if (prompt == null) {
      out.add(required("prompt"));
    } else if (prompt.isBlank()) {
      out.add(new Violation("prompt", "not-blank", "must contain visible text"));
    } else if (prompt.length() > PROMPT_MAX_CHARS) {
      out.add(
          new Violation(
              "prompt",
              "max-length",
              "must be at most " + PROMPT_MAX_CHARS + " characters, was " + prompt.length()));
    }
  }

  private static void checkOutputPrefix(List<Violation> out, String prefix) {
    if (prefix == null) {
      return;
    }
    if (prefix.length() > OUTPUT_PREFIX_MAX_CHARS) {
      out.add(
          new Violation(
              "outputPrefix",
              "max-length",
              "must be at most "
                  + OUTPUT_PREFIX_MAX_CHARS
                  + " characters, was "
                  + prefix.length()));
      return;
    }
    for (String segment : prefix.split("/", -1)) {
      if (!KEY_SEGMENT.matches(segment) || segment.equals(".") || segment.equals("..")) {
        out.add(
            new Violation(
                "outputPrefix",
                "format",
                "must be non-empty segments of [A-Za-z0-9._=-] separated by single slashes, without"
                    + " leading or trailing slash, '.' or '..' segments; was '"
                    + prefix
                    + "'"));
        return;
      }
    }
  }

  private static void checkMetadata(List<Violation> out, Map<String, String> metadata) {
    if (metadata.size() > METADATA_MAX_ENTRIES) {
      out.add(
          new Violation(
              "metadata",
              "max-entries",
              "must have at most " + METADATA_MAX_ENTRIES + " entries, had " + metadata.size()));
    }
    int bytes = 0;
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      String field = "metadata." + entry.getKey();
      if (!METADATA_KEY.matches(entry.getKey())) {
        out.add(format(field, METADATA_KEY, entry.getKey()));
      }
      if (entry.getValue() == null) {
        out.add(required(field));
      } else {
        bytes += entry.getValue().getBytes(StandardCharsets.UTF_8).length;
      }
      bytes += entry.getKey().getBytes(StandardCharsets.UTF_8).length;
    }
    if (bytes > METADATA_MAX_BYTES) {
      out.add(
          new Violation(
              "metadata",
              "max-bytes",
              "keys and values must total at most "
                  + METADATA_MAX_BYTES
                  + " UTF-8 bytes, were "
                  + bytes));
    }
  }

  private static Violation required(String field) {
    return new Violation(field, "required", "is required");
  }

  private static Violation format(String field, NameFormat pattern, String value) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return new Violation(
        field, "format", "must match " + pattern.pattern() + ", was '" + shown + "'");
  }
}
