package lunatik.lua.vm;

import java.util.Set;

/**
 * How a coroutine's Java stack is suspended and resumed: the seam between {@link Coroutine} and
 * the mechanism. Two mechanisms:
 *
 * <ul>
 *   <li>{@link ContinuationFiber}, the JDK's one-shot continuations
 *       ({@code jdk.internal.vm.Continuation}): a resume/yield round trip of about 100 ns, a
 *       suspended coroutine a small heap object. It needs {@code jdk.internal.vm} exported to
 *       us ({@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}, which our scripts and
 *       jar manifests give).</li>
 *   <li>{@link ThreadFiber}, used when that package is not accessible (a plain {@code java -cp}
 *       program): each coroutine runs on a virtual thread of its own, and resume and yield hand
 *       control from one thread to the other. Slower (see docs/performance.md), and a coroutine
 *       left suspended forever keeps its parked virtual thread until the JVM exits (unless the
 *       JVM runs with {@code -Djdk.trackAllThreads=false}, under which it is collected with the
 *       coroutine).</li>
 * </ul>
 *
 * The system property {@code lunatik.coroutines} set to {@code threads} chooses the second even
 * when the first is possible (to compare them, and to test the fallback).
 */
public abstract class Fiber {
    /** Whether coroutines run on continuations (else on threads). */
    static final boolean CONTINUATIONS = continuationsAvailable();

    private static boolean continuationsAvailable() {
        if ("threads".equals(System.getProperty("lunatik.coroutines"))) {
            return false;
        }
        Module base = Object.class.getModule();
        return base.isExported("jdk.internal.vm", Fiber.class.getModule());
    }

    /** Whether coroutines run on the JDK's continuations in this JVM (else on virtual threads). */
    public static boolean usesContinuations() {
        return CONTINUATIONS;
    }

    Fiber() {
    }

    /** A fiber that will run {@code body}, on the mechanism this JVM allows. */
    static Fiber of(Runnable body) {
        return CONTINUATIONS ? new ContinuationFiber(body) : new ThreadFiber(body);
    }

    /**
     * Runs the body from where it last suspended (from its start the first time), on behalf of
     * the calling thread, until it suspends or ends. A throwable that escapes the body is thrown
     * here.
     */
    abstract void run();

    /** Whether the body has ended. */
    abstract boolean isDone();

    /** Suspends the body (called from inside it): the {@link #run} that resumed it returns. */
    abstract void suspend();

    /**
     * A walker over the JVM frames of a suspended fiber, for the memory count, or null when its
     * frames cannot be read.
     */
    StackWalker suspendedWalker(Set<StackWalker.Option> options) {
        return null;
    }
}
