package lunatik.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import lunatik.lua.vm.Args;

/**
 * The class of a family of Lunatik objects (spec §4.1, §9.1): its name (the metatable's and the
 * module's), its methods, the hook that releases a payload, and its flags:
 * <ul>
 *   <li>{@code sleep}: usable only in sleepable runtimes ("cannot use 'x' class on
 *       non-sleepable runtime");</li>
 *   <li>{@code monitored}: every method call is serialised by the object's lock (§4.2), and
 *       argument errors read like Lunatik's ({@code bad argument #2 to '?' (out of bounds)});</li>
 *   <li>{@code single}: the object cannot be shared with another runtime.</li>
 * </ul>
 */
public final class ObjectClass {
    /** A method: {@code a.get(1)} is the object's userdata, {@code self} its object. */
    @FunctionalInterface
    public interface Method {
        Object call(LunatikObject self, Args a);
    }

    public final String name;
    public final boolean sleep;
    public final boolean monitored;
    public final boolean single;
    /** Whether closing an already closed object does nothing (else it is a bad self). */
    public final boolean idempotentClose;
    final Map<String, Method> methods;
    final Consumer<Object> release;
    /** Methods that close the object ("close", "stop"): not monitored, as in Lunatik. */
    final java.util.Set<String> closers;
    /** Completes each state's metatable of the class (metamethods such as __len, __tostring). */
    final java.util.function.BiConsumer<lunatik.lua.vm.LuaState, lunatik.lua.value.LuaTable> setup;
    /** What a state's wrapper does when it is collected (or its state closes), before it drops its reference. */
    final java.util.function.BiConsumer<lunatik.lua.vm.LuaState, LunatikObject> collect;

    private ObjectClass(Builder b) {
        this.name = b.name;
        this.sleep = b.sleep;
        this.monitored = b.monitored;
        this.single = b.single;
        this.idempotentClose = b.idempotentClose;
        this.methods = Map.copyOf(b.methods);
        this.release = b.release;
        this.closers = java.util.Set.copyOf(b.closers);
        this.setup = b.setup;
        this.collect = b.collect;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds an {@link ObjectClass}. */
    public static final class Builder {
        private final String name;
        private boolean sleep;
        private boolean monitored;
        private boolean single;
        private boolean idempotentClose;
        private final Map<String, Method> methods = new LinkedHashMap<>();
        private Consumer<Object> release = p -> { };
        private final java.util.Set<String> closers = new java.util.HashSet<>();
        private java.util.function.BiConsumer<lunatik.lua.vm.LuaState, lunatik.lua.value.LuaTable> setup = (L, mt) -> { };
        private java.util.function.BiConsumer<lunatik.lua.vm.LuaState, LunatikObject> collect = (L, o) -> { };

        Builder(String name) {
            this.name = name;
        }

        /** Closing an object again does nothing (probe's stop), instead of raising a bad self. */
        public Builder idempotentClose() {
            idempotentClose = true;
            return this;
        }

        /** Only sleepable runtimes may use the class. */
        public Builder sleep() {
            sleep = true;
            return this;
        }

        /** Method calls are serialised by the object's lock. */
        public Builder monitored() {
            monitored = true;
            return this;
        }

        /** Objects of the class cannot be shared between runtimes. */
        public Builder single() {
            single = true;
            return this;
        }

        public Builder method(String name, Method m) {
            methods.put(name, m);
            return this;
        }

        /**
         * A method that closes the object ("close", "stop"): it detaches the payload and runs
         * the release hook now; later calls see a closed object. Not monitored.
         */
        public Builder closer(String name) {
            closers.add(name);
            return this;
        }

        /** What to do with a payload when its object is closed or its last reference goes. */
        public Builder release(Consumer<Object> r) {
            release = r;
            return this;
        }

        /**
         * Completes the class's metatable in each state where it is made (metamethods), so an
         * object that reaches a state by sharing behaves as one made there.
         */
        public Builder setup(java.util.function.BiConsumer<lunatik.lua.vm.LuaState, lunatik.lua.value.LuaTable> s) {
            setup = s;
            return this;
        }

        /**
         * What to do when a state's wrapper of an object is collected, which is also when the
         * state closes (a thread started there is stopped then): it runs in that state's
         * {@code __gc}, before the wrapper drops its reference. It must not block.
         */
        public Builder collect(java.util.function.BiConsumer<lunatik.lua.vm.LuaState, LunatikObject> c) {
            collect = c;
            return this;
        }

        public ObjectClass build() {
            return new ObjectClass(this);
        }
    }
}
