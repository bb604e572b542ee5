package org.hartbatch.ingest.catalog;

/** Where the seed of a line that names none comes from. */
public enum SeedPolicy {
  /** {@code seed = hash(catalog id, line number)}: distinct per line, the same on re-submission. */
  DERIVED,
  /** One seed, given with the submission, for every such line. */
  FIXED
}
