package org.hartbatch.store;

/**
 * An object read back, its bytes checked against the SHA-256 recorded when it was written.
 *
 * @param object what the store knows of it
 * @param bytes its content
 */
public record StoredBytes(StoredObject object, byte[] bytes) {}
