package org.hartbatch.protocol.events;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/** Why a job failed. Readers map codes they do not know to {@link #UNKNOWN}. */
public enum ErrorCode {
  /** The job record is not valid JSON or breaks the job contract. */
  INVALID_JOB,
  /** The model refused the prompt, e.g. the tokenizer failed. */
  PROMPT_REJECTED,
  /** Rendering failed, e.g. non-finite output. */
  RENDER_FAILED,
  /** The object store kept failing after the retries. */
  STORE_UNAVAILABLE,
  /** An object with the job's key but different content already exists. */
  STORE_CONFLICT,
  /** The object store refused the write for good (permissions, missing bucket). */
  STORE_REJECTED,
  /** The job's model or revision is not served by this worker. */
  MODEL_UNAVAILABLE,
  /** Any other failure. */
  INTERNAL,
  @JsonEnumDefaultValue
  UNKNOWN
}
