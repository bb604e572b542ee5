package org.hartbatch.worker.render;

/**
 * The model a renderer serves.
 *
 * @param name model name jobs must ask for
 * @param revision revision reported in completion events
 * @param width image width in pixels
 * @param height image height in pixels
 */
public record ModelInfo(String name, String revision, int width, int height) {}
