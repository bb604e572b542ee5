package org.hartbatch.hart.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Binds a network to a checkpoint by reference parameter names.
 *
 * <p>Network constructors ask for each tensor with the shape their configuration implies. A missing
 * or mis-shaped tensor does not stop construction: it is recorded and a zero placeholder is handed
 * out, so that {@link #finish()} can report every problem, together with the tensors nobody asked
 * for, in one error message.
 */
public final class Parameters {
  private final WeightSource source;
  private final NDManager manager;
  private final DataType floatType;
  private final Predicate<String> ignored;
  private final String prefix;
  private final Problems problems;
  private final Initializer initializer;

  private static final class Problems {
    final Set<String> requested = new LinkedHashSet<>();
    final List<String> missing = new ArrayList<>();
    final List<String> misShaped = new ArrayList<>();
    final Map<String, NDArray> bound = new LinkedHashMap<>();
  }

  /** Creates the starting value of a parameter that no checkpoint provides. */
  @FunctionalInterface
  public interface Initializer {
    NDArray create(String name, Shape shape, NDManager manager, DataType floatType);
  }

  /**
   * @param ignored names in the checkpoint that the network legitimately does not use (buffers,
   *     training-only modules); they are not reported as unexpected
   */
  public Parameters(
      WeightSource source, NDManager manager, DataType floatType, Predicate<String> ignored) {
    this(source, manager, floatType, ignored, "", new Problems(), null);
  }

  private Parameters(
      WeightSource source,
      NDManager manager,
      DataType floatType,
      Predicate<String> ignored,
      String prefix,
      Problems problems,
      Initializer initializer) {
    this.source = source;
    this.manager = manager;
    this.floatType = floatType;
    this.ignored = ignored;
    this.prefix = prefix;
    this.problems = problems;
    this.initializer = initializer;
  }

  /**
   * Random weights ({@code N(0, std²)}) of whatever shape the network asks for, for benchmarks and
   * soak tests at real sizes without a checkpoint.
   */
  public static Parameters random(NDManager manager, DataType floatType, float std) {
    return initialized(
        manager, floatType, (name, shape, m, type) -> m.randomNormal(0, std, shape, type));
  }

  /** Fresh parameters from {@code initializer}, e.g. to train a network from scratch. */
  public static Parameters initialized(
      NDManager manager, DataType floatType, Initializer initializer) {
    return new Parameters(null, manager, floatType, name -> true, "", new Problems(), initializer);
  }

  /** The same binding with {@code name + "."} prepended to every later request. */
  public Parameters scope(String name) {
    return new Parameters(
        source, manager, floatType, ignored, prefix + name + ".", problems, initializer);
  }

  public NDManager manager() {
    return manager;
  }

  /** The floating-point type weights are converted to when loaded. */
  public DataType floatType() {
    return floatType;
  }

  /** Whether the checkpoint holds {@code name}; lets a network pick a variant by key presence. */
  public boolean has(String name) {
    return source != null && source.tensors().containsKey(prefix + name);
  }

  /** The stored shape of {@code name}, or {@code null} when absent. */
  public Shape shapeOf(String name) {
    TensorInfo info = source == null ? null : source.tensors().get(prefix + name);
    return info == null ? null : info.shape();
  }

  /**
   * Every tensor handed out so far, by full name, in request order: the arrays the network computes
   * with, so a trainer can attach gradients to them and update them in place.
   */
  public Map<String, NDArray> bound() {
    return Collections.unmodifiableMap(problems.bound);
  }

  /** The tensor {@code name} with the given shape, converted to the compute type. */
  public NDArray get(String name, long... shape) {
    String full = prefix + name;
    NDArray tensor = fetch(full, new Shape(shape));
    problems.bound.put(full, tensor);
    return tensor;
  }

  private NDArray fetch(String full, Shape expected) {
    problems.requested.add(full);
    if (source == null) {
      return initializer.create(full, expected, manager, floatType);
    }
    TensorInfo info = source.tensors().get(full);
    if (info == null) {
      problems.missing.add(full + " " + expected);
      return manager.zeros(expected, floatType);
    }
    if (!info.shape().equals(expected)) {
      problems.misShaped.add(full + " is " + info.shape() + " but the config implies " + expected);
      return manager.zeros(expected, floatType);
    }
    try {
      return source.load(full, manager, floatType);
    } catch (IOException e) {
      throw new UncheckedIOException(full + ": " + e.getMessage(), e);
    }
  }

  /**
   * Throws one {@link CheckpointException} naming every missing, mis-shaped and unexpected tensor,
   * if there is any. Call it once the whole network is built.
   */
  public void finish() {
    if (source == null) {
      return;
    }
    List<String> unexpected =
        source.tensors().keySet().stream()
            .filter(name -> !problems.requested.contains(name) && !ignored.test(name))
            .toList();
    if (problems.missing.isEmpty() && problems.misShaped.isEmpty() && unexpected.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder(source.describe() + " does not fit the network:");
    append(message, "missing", problems.missing);
    append(message, "mis-shaped", problems.misShaped);
    append(message, "unexpected", unexpected);
    throw new CheckpointException(message.toString());
  }

  private static void append(StringBuilder message, String what, List<String> names) {
    if (!names.isEmpty()) {
      message.append("\n  ").append(what).append(" (").append(names.size()).append("): ");
      message.append(String.join(", ", names));
    }
  }
}
