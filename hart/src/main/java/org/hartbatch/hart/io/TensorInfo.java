package org.hartbatch.hart.io;

import ai.djl.ndarray.types.Shape;

/**
 * What a checkpoint declares about one tensor before it is loaded: its name, stored dtype (the
 * safetensors spelling, e.g. {@code F32}, {@code BF16}) and shape.
 */
public record TensorInfo(String name, String dtype, Shape shape) {}
