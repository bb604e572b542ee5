package org.hartbatch.hart.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import org.hartbatch.hart.io.CheckpointException;
import org.hartbatch.hart.io.SafeTensorsFile;

/** Named float32 parameters of a checkpoint, by the reference's {@code state_dict} names. */
public interface WeightReader {

  boolean contains(String name);

  /** The stored shape of {@code name}, without loading it. */
  Shape shape(String name);

  /** The tensor {@code name} as float32 in {@code manager}. */
  NDArray read(String name, NDManager manager) throws IOException;

  /** Reads a tensor and checks its shape; a wrong shape is reported with the tensor's name. */
  default NDArray read(String name, NDManager manager, long... shape) throws IOException {
    if (!contains(name)) {
      throw new CheckpointException("checkpoint has no tensor '" + name + "'");
    }
    NDArray array = read(name, manager);
    Shape expected = new Shape(shape);
    if (!array.getShape().equals(expected)) {
      Shape actual = array.getShape();
      array.close();
      throw new CheckpointException(
          "tensor '" + name + "' has shape " + actual + " but the config needs " + expected);
    }
    return array;
  }

  static WeightReader of(SafeTensorsFile file) {
    return new WeightReader() {
      @Override
      public boolean contains(String name) {
        return file.contains(name);
      }

      @Override
      public Shape shape(String name) {
        return new Shape(file.entry(name).shape());
      }

      @Override
      public NDArray read(String name, NDManager manager) throws IOException {
        return file.load(name, manager, DataType.FLOAT32);
      }
    };
  }
}
