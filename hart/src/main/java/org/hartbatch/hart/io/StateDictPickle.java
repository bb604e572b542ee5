package org.hartbatch.hart.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle reader that understands only what {@code torch.save} writes for a state dict: dicts
 * (plain and {@code collections.OrderedDict}), lists, tuples, scalars, strings, storages referenced
 * by persistent id, and the tensor/parameter rebuild functions. Any other global, any other
 * callable and any opcode outside that subset is rejected, so a model file can never make this
 * reader run code.
 */
final class StateDictPickle {

  /** A storage of the checkpoint archive, named by its persistent id. */
  record StorageRef(String key, String dtype, long numel) {}

  /** {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)}. */
  record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

  private record Global(String module, String name) {
    String qualified() {
      return module + "." + name;
    }
  }

  private static final Object MARK = new Object();

  private static final Map<String, String> STORAGE_TYPES =
      Map.ofEntries(
          Map.entry("FloatStorage", "F32"),
          Map.entry("HalfStorage", "F16"),
          Map.entry("BFloat16Storage", "BF16"),
          Map.entry("DoubleStorage", "F64"),
          Map.entry("LongStorage", "I64"),
          Map.entry("IntStorage", "I32"),
          Map.entry("ShortStorage", "I16"),
          Map.entry("CharStorage", "I8"),
          Map.entry("ByteStorage", "U8"),
          Map.entry("BoolStorage", "BOOL"));

  private static final Set<String> CALLABLES =
      Set.of(
          "collections.OrderedDict",
          "torch._utils._rebuild_tensor_v2",
          "torch._utils._rebuild_parameter");

  private final String origin;
  private final ByteBuffer in;
  private final Deque<Object> stack = new ArrayDeque<>();
  private final Map<Long, Object> memo = new HashMap<>();

  private StateDictPickle(String origin, byte[] bytes) {
    this.origin = origin;
    this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Evaluates the pickle and returns its top-level object. */
  static Object read(String origin, byte[] bytes) {
    try {
      return new StateDictPickle(origin, bytes).run();
    } catch (java.nio.BufferUnderflowException
        | java.util.NoSuchElementException
        | ClassCastException
        | IndexOutOfBoundsException e) {
      throw new CheckpointException(origin + ": malformed state-dict pickle (" + e + ")", e);
    }
  }

  private Object run() {
    while (true) {
      int op = in.get() & 0xFF;
      switch (op) {
        case 0x80 -> in.get(); // PROTO
        case 0x95 -> in.getLong(); // FRAME
        case '.' -> {
          return pop();
        }
        case '(' -> stack.push(MARK);
        case '}' -> stack.push(new LinkedHashMap<Object, Object>());
        case ']' -> stack.push(new ArrayList<Object>());
        case ')' -> stack.push(List.of());
        case 't' -> stack.push(List.copyOf(popToMark()));
        case 0x85 -> stack.push(tuple(1));
        case 0x86 -> stack.push(tuple(2));
        case 0x87 -> stack.push(tuple(3));
        case 'N' -> stack.push(NONE);
        case 0x88 -> stack.push(Boolean.TRUE);
        case 0x89 -> stack.push(Boolean.FALSE);
        case 'J' -> stack.push((long) in.getInt());
        case 'K' -> stack.push((long) (in.get() & 0xFF));
        case 'M' -> stack.push((long) (in.getShort() & 0xFFFF));
        case 0x8a -> stack.push(long1());
        case 'G' -> stack.push(Double.longBitsToDouble(Long.reverseBytes(in.getLong())));
        case 'X' -> stack.push(text(in.getInt()));
        case 0x8c -> stack.push(text(in.get() & 0xFF));
        case 0x8d -> stack.push(text(Math.toIntExact(in.getLong())));
        case 'U' -> stack.push(text(in.get() & 0xFF));
        case 'T' -> stack.push(text(in.getInt()));
        case 'q' -> memo.put((long) (in.get() & 0xFF), peek());
        case 'r' -> memo.put(in.getInt() & 0xFFFFFFFFL, peek());
        case 0x94 -> memo.put((long) memo.size(), peek());
        case 'h' -> stack.push(memoGet(in.get() & 0xFF));
        case 'j' -> stack.push(memoGet(in.getInt() & 0xFFFFFFFFL));
        case '0' -> pop();
        case '1' -> popToMark();
        case '2' -> stack.push(peek());
        case 'a' -> {
          Object value = pop();
          list(peek()).add(value);
        }
        case 'e' -> {
          List<Object> values = popToMark();
          list(peek()).addAll(values);
        }
        case 's' -> {
          Object value = pop();
          Object key = pop();
          dict(peek()).put(key, value);
        }
        case 'u' -> {
          List<Object> items = popToMark();
          Map<Object, Object> dict = dict(peek());
          for (int i = 0; i + 1 < items.size(); i += 2) {
            dict.put(items.get(i), items.get(i + 1));
          }
        }
        case 'c' -> stack.push(global(line(), line()));
        case 0x93 -> {
          String name = (String) pop();
          String module = (String) pop();
          stack.push(global(module, name));
        }
        case 'R' -> {
          List<?> args = (List<?>) pop();
          stack.push(call(pop(), args));
        }
        case 'b' -> build();
        case 'Q' -> stack.push(persistentLoad(pop()));
        default ->
            throw new CheckpointException(
                String.format(
                    "%s: pickle opcode 0x%02x at byte %d is not part of a state dict; refusing it",
                    origin, op, in.position() - 1));
      }
    }
  }

  /** Stand-in for Python's None (the stack does not take nulls). */
  private static final Object NONE = new Object();

  private Object global(String module, String name) {
    String qualified = module + "." + name;
    if (module.equals("torch") && STORAGE_TYPES.containsKey(name)) {
      return new Global(module, name);
    }
    if (CALLABLES.contains(qualified)) {
      return new Global(module, name);
    }
    throw new CheckpointException(
        origin
            + ": the pickle refers to '"
            + qualified
            + "', which a state dict never needs; refusing to load it (model files are untrusted)");
  }

  private Object call(Object callable, List<?> args) {
    if (!(callable instanceof Global global) || !CALLABLES.contains(global.qualified())) {
      throw new CheckpointException(
          origin + ": the pickle calls " + describe(callable) + "; refusing it");
    }
    return switch (global.qualified()) {
      case "collections.OrderedDict" -> {
        if (!args.isEmpty()) {
          throw new CheckpointException(origin + ": OrderedDict built with arguments; refusing it");
        }
        yield new LinkedHashMap<Object, Object>();
      }
      case "torch._utils._rebuild_tensor_v2" -> {
        if (args.size() < 4 || !(args.get(0) instanceof StorageRef storage)) {
          throw new CheckpointException(origin + ": malformed tensor record " + args);
        }
        yield new TensorRef(storage, (Long) args.get(1), longs(args.get(2)), longs(args.get(3)));
      }
      default -> { // torch._utils._rebuild_parameter(data, requires_grad, hooks)
        if (args.isEmpty() || !(args.get(0) instanceof TensorRef tensor)) {
          throw new CheckpointException(origin + ": malformed parameter record " + args);
        }
        yield tensor;
      }
    };
  }

  private void build() {
    pop(); // state: OrderedDict metadata or tensor hooks, irrelevant for the weights
    Object target = peek();
    if (!(target instanceof Map) && !(target instanceof TensorRef)) {
      throw new CheckpointException(
          origin + ": the pickle sets the state of " + describe(target) + "; refusing it");
    }
  }

  private Object persistentLoad(Object pid) {
    if (!(pid instanceof List<?> id)
        || id.size() != 5
        || !"storage".equals(id.get(0))
        || !(id.get(1) instanceof Global type)
        || !STORAGE_TYPES.containsKey(type.name())) {
      throw new CheckpointException(origin + ": unsupported persistent id " + describe(pid));
    }
    return new StorageRef(
        String.valueOf(id.get(2)), STORAGE_TYPES.get(type.name()), (Long) id.get(4));
  }

  private static long[] longs(Object tuple) {
    List<?> values = (List<?>) tuple;
    long[] out = new long[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (Long) values.get(i);
    }
    return out;
  }

  private List<Object> tuple(int n) {
    Object[] items = new Object[n];
    for (int i = n - 1; i >= 0; i--) {
      items[i] = pop();
    }
    return List.of(items);
  }

  private long long1() {
    int n = in.get() & 0xFF;
    if (n > 8) {
      throw new CheckpointException(origin + ": integer of " + n + " bytes in the pickle");
    }
    long value = 0;
    for (int i = 0; i < n; i++) {
      value |= (long) (in.get() & 0xFF) << (8 * i);
    }
    if (n > 0 && n < 8 && (value & (1L << (8 * n - 1))) != 0) {
      value -= 1L << (8 * n);
    }
    return value;
  }

  private String text(int length) {
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private String line() {
    StringBuilder sb = new StringBuilder();
    for (byte b = in.get(); b != '\n'; b = in.get()) {
      sb.append((char) b);
    }
    return sb.toString();
  }

  private Object memoGet(long index) {
    Object value = memo.get(index);
    if (value == null) {
      throw new CheckpointException(origin + ": pickle memo entry " + index + " is unset");
    }
    return value;
  }

  private Object pop() {
    Object value = stack.pop();
    if (value == MARK) {
      throw new CheckpointException(origin + ": malformed pickle (unexpected mark)");
    }
    return value;
  }

  private Object peek() {
    Object value = stack.peek();
    if (value == null || value == MARK) {
      throw new CheckpointException(origin + ": malformed pickle (empty stack)");
    }
    return value;
  }

  private List<Object> popToMark() {
    List<Object> values = new ArrayList<>();
    while (true) {
      if (stack.isEmpty()) {
        throw new CheckpointException(origin + ": malformed pickle (missing mark)");
      }
      Object value = stack.pop();
      if (value == MARK) {
        java.util.Collections.reverse(values);
        return values;
      }
      values.add(value);
    }
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object o) {
    if (o instanceof ArrayList<?> l) {
      return (List<Object>) l;
    }
    throw new CheckpointException(origin + ": pickle appends to " + describe(o));
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> dict(Object o) {
    if (o instanceof Map<?, ?> m) {
      return (Map<Object, Object>) m;
    }
    throw new CheckpointException(origin + ": pickle sets an item of " + describe(o));
  }

  private static String describe(Object o) {
    if (o instanceof Global g) {
      return "'" + g.qualified() + "'";
    }
    return o == null ? "nothing" : o.getClass().getSimpleName();
  }
}
