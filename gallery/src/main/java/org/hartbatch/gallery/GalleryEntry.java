package org.hartbatch.gallery;

/**
 * One thumbnail of a contact sheet.
 *
 * @param jobId the job
 * @param prompt its prompt
 * @param seed the seed it was rendered with
 * @param imageKey object key of its image
 * @param line the catalog line it came from, or {@code null} when the job does not say
 */
public record GalleryEntry(String jobId, String prompt, long seed, String imageKey, Long line) {}
