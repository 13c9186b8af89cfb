package lunatik.lua.vm;

import java.util.concurrent.locks.LockSupport;

/**
 * A fiber on a virtual thread of its own, for JVMs that do not export {@code jdk.internal.vm}
 * to us: resume hands control to the fiber's thread and parks until the body suspends or ends;
 * suspend hands it back. Exactly one of the two threads runs at a time, so the coroutine's code
 * sees the state as if it ran on the resumer's thread, with two differences: thread-bound
 * things (thread locals, locks the resumer holds, {@code Thread.currentThread()}) are the
 * fiber thread's own, and an interrupt of the resumer while the body runs is passed on to the
 * fiber's thread (a sleep inside the coroutine wakes), then given back to the resumer.
 */
final class ThreadFiber extends Fiber {
    /** How many times a waiting side looks before it parks (about a microsecond or two). */
    private static final int SPIN = Integer.getInteger("lunatik.coroutines.spin", 1000);

    private final Runnable body;
    private Thread thread;
    /** The thread waiting in {@link #run}. */
    private volatile Thread resumer;
    /** Whose turn it is: true while the body runs. */
    private volatile boolean fiberTurn;
    private volatile boolean done;
    /** What escaped the body, to be thrown by {@link #run}. */
    private Throwable escaped;

    ThreadFiber(Runnable body) {
        this.body = body;
    }

    @Override
    void run() {
        resumer = Thread.currentThread();
        fiberTurn = true;
        if (thread == null) {
            thread = Thread.ofVirtual().name("lua-coroutine").unstarted(this::main);
            thread.start();
        } else {
            LockSupport.unpark(thread);
        }
        boolean interrupted = false;
        for (int spin = 0; fiberTurn && spin < SPIN; spin++) {
            Thread.onSpinWait(); // a short body hands back sooner than a park and unpark take
        }
        while (fiberTurn) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
                if (fiberTurn) {
                    thread.interrupt(); // the coroutine's code is what runs for this thread now
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = escaped;
        if (t != null) {
            escaped = null;
            throw ThreadFiber.<RuntimeException>sneaky(t);
        }
    }

    private void main() {
        try {
            body.run();
        } catch (Throwable t) {
            escaped = t;
        } finally {
            done = true;
            fiberTurn = false;
            LockSupport.unpark(resumer);
        }
    }

    @Override
    boolean isDone() {
        return done;
    }

    @Override
    void suspend() {
        Thread back = resumer;
        fiberTurn = false;
        LockSupport.unpark(back);
        for (int spin = 0; !fiberTurn && spin < SPIN; spin++) {
            Thread.onSpinWait();
        }
        while (!fiberTurn) {
            LockSupport.park(this);
        }
        // an interrupt passed on just as the body suspended was meant for no code of it now
        Thread.interrupted();
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
