package org.hartbatch.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON configuration of every HART Batch message: ISO-8601 times, absent optional fields
 * omitted, and unknown fields and enum values tolerated so that older readers accept newer writers.
 */
public final class ProtocolJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private ProtocolJson() {}

  /** The shared, thread-safe mapper. Do not reconfigure it; {@code copy()} it instead. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
