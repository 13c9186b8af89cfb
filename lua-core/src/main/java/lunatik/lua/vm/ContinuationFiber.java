package lunatik.lua.vm;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Set;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * A fiber on the JDK's one-shot continuations: resume mounts the continuation's frames on the
 * caller's stack, yield copies them back to the heap. Only loaded when {@code jdk.internal.vm}
 * is exported to us ({@link Fiber#CONTINUATIONS}).
 */
final class ContinuationFiber extends Fiber {
    private static final ContinuationScope SCOPE = new ContinuationScope("lua");
    /** {@code LiveStackFrame.getStackWalker(options, scope, continuation)}, when java.lang is open to us. */
    private static final MethodHandle WALKER = walker();

    private final Continuation continuation;

    ContinuationFiber(Runnable body) {
        continuation = new Continuation(SCOPE, body);
    }

    @Override
    void run() {
        continuation.run();
    }

    @Override
    boolean isDone() {
        return continuation.isDone();
    }

    @Override
    void suspend() {
        Continuation.yield(SCOPE);
    }

    @Override
    StackWalker suspendedWalker(Set<StackWalker.Option> options) {
        if (WALKER == null || continuation.isDone()) {
            return null;
        }
        try {
            return (StackWalker) WALKER.invokeExact(options, SCOPE, continuation);
        } catch (Throwable e) {
            return null;
        }
    }

    private static MethodHandle walker() {
        try {
            Class<?> live = Class.forName("java.lang.LiveStackFrame");
            Method m = live.getDeclaredMethod("getStackWalker", Set.class, ContinuationScope.class, Continuation.class);
            m.setAccessible(true);
            return MethodHandles.lookup().unreflect(m).asType(
                MethodType.methodType(StackWalker.class, Set.class, ContinuationScope.class, Continuation.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
