package org.hartbatch.hart.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/** The few tensor operations the networks compose, with PyTorch's semantics. */
public final class Ops {
  private Ops() {}

  /** {@code x · wᵀ + b} with {@code w} stored {@code [out, in]}. */
  public static NDArray linear(NDArray x, NDArray w, NDArray b) {
    return Linear.linear(x, w, b).singletonOrThrow();
  }

  /** {@code x · sigmoid(x)}. */
  public static NDArray silu(NDArray x) {
    try (NDArray gate = Activation.sigmoid(x)) {
      return x.mul(gate);
    }
  }

  /**
   * {@code f(x)} evaluated in float32 when {@code x} is float16 (as the reference's autocast does
   * for norms and softmax), the result cast back to float16.
   */
  public static NDArray inFloat32(NDArray x, java.util.function.UnaryOperator<NDArray> f) {
    if (x.getDataType() != ai.djl.ndarray.types.DataType.FLOAT16) {
      return f.apply(x);
    }
    try (NDArray wide = x.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        NDArray result = f.apply(wide)) {
      return result.toType(ai.djl.ndarray.types.DataType.FLOAT16, false);
    }
  }

  /** LayerNorm over the last axis with biased variance. */
  public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
    return LayerNorm.layerNorm(x, new Shape(x.getShape().tail()), gamma, beta, eps)
        .singletonOrThrow();
  }

  /**
   * Stride-1 convolution of an NCHW map with a {@code [out, in, k, k]} kernel, same padding.
   *
   * <p>Image by image: oneDNN picks its convolution algorithm by the batch size, and on small maps
   * (measured: 2×2 and 16×16, not 64×64) the results of one image then differ with the batch it is
   * in. A request must decode the same alone or batched (its diffusion residual and image are
   * checked to 1/255), so every image is convolved as if alone. A kernel that is being trained (it
   * carries a gradient) convolves the whole batch at once: there speed matters, and per-image
   * convolutions made a training step many times slower.
   */
  public static NDArray conv2d(NDArray x, NDArray w, NDArray b) {
    long pad = w.getShape().get(2) / 2;
    return imageByImage(x, w, b, 1, pad);
  }

  /**
   * Stride-2 convolution without padding, image by image like {@link #conv2d}: {@code [B, C, H, W]}
   * → {@code [B, out, (H − k) / 2 + 1, (W − k) / 2 + 1]}.
   */
  public static NDArray conv2dStride2(NDArray x, NDArray w, NDArray b) {
    return imageByImage(x, w, b, 2, 0);
  }

  private static NDArray imageByImage(NDArray x, NDArray w, NDArray b, long stride, long pad) {
    long batch = x.getShape().get(0);
    if (batch == 1 || w.hasGradient()) {
      return convolve(x, w, b, stride, pad);
    }
    NDList images = new NDList();
    for (long i = 0; i < batch; i++) {
      try (NDArray image = x.get(new NDIndex("{}:{}", i, i + 1))) {
        images.add(convolve(image, w, b, stride, pad));
      }
    }
    NDArray out = NDArrays.concat(images);
    images.close();
    return out;
  }

  private static NDArray convolve(NDArray x, NDArray w, NDArray b, long stride, long pad) {
    return Conv2d.conv2d(
            x, w, b, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1)
        .singletonOrThrow();
  }

  /**
   * A copy of an array made from Java data ({@code manager.create(float[])} and the like) whose
   * memory PyTorch owns; the original is closed. The engine wraps Java buffers without copying, so
   * once such an array is closed the garbage collector may free memory that autograd still reads in
   * {@code backward}; arrays that can end up saved for a backward pass are made owned first.
   */
  public static NDArray owned(NDArray javaBacked) {
    try (javaBacked) {
      return javaBacked.duplicate();
    }
  }

  /**
   * {@code x · factor} with the factor as an engine-owned scalar: DJL's {@code mul(Number)} wraps
   * the number in Java memory that may be freed before a backward pass reads it.
   */
  public static NDArray scaled(NDArray x, double factor) {
    try (NDArray scalar = x.getManager().full(new Shape(), (float) factor, x.getDataType())) {
      return x.mul(scalar);
    }
  }
}
