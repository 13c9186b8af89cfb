package lunatik.runtime.lib;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import lunatik.linux.ffm.LibC;

/**
 * The network namespace the network modules (netfilter, notifier, fib) work in: the daemon's
 * own unless set (a path such as /var/run/netns/x; tests use namespaces of their own), from the
 * system property {@code lunatik.netns} or {@link #set}. Namespaces are per thread: work that
 * must happen inside one runs on a thread that entered it ({@link #call}, {@link #enter}).
 */
public final class NetNamespace {
    private NetNamespace() {
    }

    private static volatile String path = System.getProperty("lunatik.netns");
    private static ExecutorService worker;
    private static String workerPath;

    /** Sets the namespace (null: the daemon's own). */
    public static synchronized void set(Path ns) {
        path = ns == null ? null : ns.toString();
        if (worker != null) {
            worker.shutdownNow();
            worker = null;
        }
    }

    /** The namespace's path, or null for the daemon's own. */
    public static String path() {
        return path;
    }

    /** Moves the calling thread into the namespace (nothing to do for the daemon's own). */
    public static void enter() throws lunatik.linux.ffm.ErrnoException {
        String p = path;
        if (p != null) {
            LibC.enterNetworkNamespace(p);
        }
    }

    /** Runs {@code c} inside the namespace: on the calling thread for the daemon's own, else on a thread there. */
    public static <T> T call(Callable<T> c) throws Exception {
        ExecutorService w;
        synchronized (NetNamespace.class) {
            String p = path;
            if (p == null) {
                w = null;
            } else {
                if (worker == null || !p.equals(workerPath)) {
                    if (worker != null) {
                        worker.shutdownNow();
                    }
                    worker = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("netns").unstarted(r));
                    workerPath = p;
                    worker.submit(() -> {
                        LibC.enterNetworkNamespace(p);
                        return null;
                    }).get();
                }
                w = worker;
            }
        }
        if (w == null) {
            return c.call();
        }
        try {
            return w.submit(c).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }
}
