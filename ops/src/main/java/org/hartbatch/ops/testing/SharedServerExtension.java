package org.hartbatch.ops.testing;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves parameters of one server type with a single instance per top-level test class (nested
 * classes share their enclosing class's instance). The server starts on first use and is closed
 * when the test class finishes.
 */
abstract class SharedServerExtension<S extends AutoCloseable> implements ParameterResolver {

  private final Class<S> type;
  private final Supplier<S> starter;

  SharedServerExtension(Class<S> type, Supplier<S> starter) {
    this.type = type;
    this.starter = starter;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == type;
  }

  @Override
  public S resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext classContext = topLevelClassContext(context);
    ExtensionContext.Store store =
        classContext.getStore(ExtensionContext.Namespace.create(getClass()));
    return store.computeIfAbsent(type, key -> starter.get(), type);
  }

  private static ExtensionContext topLevelClassContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getParent().isPresent() && current.getParent().get() != context.getRoot()) {
      current = current.getParent().get();
    }
    return current;
  }
}
