import lunatik.lua.lib.Stdlib;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.Fiber;
import lunatik.lua.vm.LuaState;

/**
 * The cost of a coroutine resume/yield round trip, on whichever mechanism this JVM gives
 * (bench/coroutine.sh runs it stackless, the default for a body this simple; then with
 * -Dlunatik.stackless=false with and without --add-exports java.base/jdk.internal.vm).
 * Prints the mechanism and the best of 5 rounds in nanoseconds per round trip.
 */
public class CoroutineBench {
    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        if (args.length > 1 && args[1].equals("virtual")) { // the resumer on a virtual thread too
            Thread t = Thread.ofVirtual().start(() -> run(n, " (resumer on a virtual thread)"));
            t.join();
        } else {
            run(n, " (resumer on a platform thread)");
        }
    }

    static void run(long n, String where) {
        LuaState L = Stdlib.newState(Dialect.FULL);
        Object f = L.call(L.load("""
            return function(n)
              local co = coroutine.wrap(function() while true do coroutine.yield() end end)
              for i = 1, n do co() end
            end
            """, "=bench"));
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            L.call(f, n);
            best = Math.min(best, (System.nanoTime() - t0) / (double) n);
        }
        boolean stackless = L.compileStats().stacklessBodies() > 0;
        System.out.printf("%s: %.0f ns per resume/yield round trip (best of 5 rounds of %d)%s%n",
            stackless ? "stackless" : Fiber.usesContinuations() ? "continuations" : "virtual threads", best, n,
            stackless || Fiber.usesContinuations() ? "" : where);
    }
}
