package org.hartbatch.protocol.events;

/**
 * An event of a type this reader does not know, e.g. one added by a newer producer. Consumers
 * should skip it.
 *
 * @param eventType its CloudEvents type
 * @param eventId its CloudEvents id
 * @param subject its CloudEvents subject, or {@code null}
 * @param catalogId its partition key, or {@code null}
 */
public record UnknownEvent(String eventType, String eventId, String subject, String catalogId)
    implements HartbatchEvent {}
