package lunatik.lua.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Meta;
import lunatik.lua.vm.Ops;
import org.junit.jupiter.api.Test;

/** The table library; expected values and messages come from lua5.4 (5.4.4). */
class TableLibTest {
    private final LuaState L = new LuaState(Dialect.FULL);

    TableLibTest() {
        TableLib.open(L);
    }

    // ---------------------------------------------------------------- helpers

    /** Java values to Lua values: String to LuaString, Integer to Long. */
    private static Object lv(Object v) {
        if (v instanceof String s) {
            return LuaString.of(s);
        }
        if (v instanceof Integer i) {
            return (long) i;
        }
        return v;
    }

    private static Object[] lvs(Object... vs) {
        Object[] r = new Object[vs.length];
        for (int i = 0; i < vs.length; i++) {
            r[i] = lv(vs[i]);
        }
        return r;
    }

    /** A sequence {v1, v2, ...}. */
    private static LuaTable seq(Object... vs) {
        LuaTable t = new LuaTable();
        for (int i = 0; i < vs.length; i++) {
            t.put(i + 1, lv(vs[i]));
        }
        return t;
    }

    private static LuaFunction fn(Function<Object[], Object> body) {
        return new LuaFunction() {
            @Override
            public Object invoke(Object[] args) {
                return body.apply(args);
            }
        };
    }

    private Object[] call(String name, Object... args) {
        LuaTable lib = (LuaTable) L.globals.get(Ops.str("table"));
        LuaFunction f = (LuaFunction) lib.get(Ops.str(name));
        return Varargs.toArray(f.invoke(lvs(args)));
    }

    private Object call1(String name, Object... args) {
        Object[] r = call(name, args);
        assertThat(r).hasSize(1);
        return r[0];
    }

    /** The results as lua5.4's print shows them, tab-separated. */
    private String show(Object[] r) {
        List<String> parts = new ArrayList<>();
        for (Object v : r) {
            parts.add(Ops.rawToString(L, v));
        }
        return String.join("\t", parts);
    }

    private String error(String name, Object... args) {
        try {
            call(name, args);
        } catch (LuaError e) {
            return e.getMessage();
        }
        throw new AssertionError("no error");
    }

    /** The items 1..#t joined with ",". */
    private String items(LuaTable t) {
        List<String> parts = new ArrayList<>();
        for (long i = 1; i <= t.length(); i++) {
            parts.add(Ops.rawToString(L, t.get(i)));
        }
        return String.join(",", parts);
    }

    /** A metatable giving {@code proxy[k] = k * 10} and {@code #proxy = n}. */
    private LuaTable readProxyMeta(long n) {
        LuaTable mt = new LuaTable();
        mt.put(Meta.INDEX, fn(a -> (Long) a[1] * 10));
        mt.put(Meta.LEN, fn(a -> n));
        return mt;
    }

    // ---------------------------------------------------------------- concat

    @Test
    void concat() {
        assertThat(show(call("concat", seq(1, 2, 3), ", ", 2, 3))).isEqualTo("2, 3");
        assertThat(show(call("concat", seq(1, 2.5, "x")))).isEqualTo("12.5x");
        assertThat(show(call("concat", seq(), "x", 3, 1))).isEqualTo("");
        assertThat(show(call("concat", seq("a", "b"), 1))).isEqualTo("a1b");
        LuaTable t = seq("a");
        t.put(-1L, lv("x"));
        t.put(0L, lv("y"));
        assertThat(show(call("concat", t, "-", -1, 1))).isEqualTo("x-y-a");
    }

    @Test
    void concatErrors() {
        assertThat(error("concat", seq(1, new LuaTable(), 3))).isEqualTo("invalid value (table) at index 2 in table for 'concat'");
        assertThat(error("concat", seq(1, 2), ",", 1, 3)).isEqualTo("invalid value (nil) at index 3 in table for 'concat'");
        assertThat(error("concat", seq(1, 2, true), ",")).isEqualTo("invalid value (boolean) at index 3 in table for 'concat'");
        assertThat(error("concat", seq(), "", Long.MAX_VALUE, Long.MAX_VALUE))
            .isEqualTo("invalid value (nil) at index 9223372036854775807 in table for 'concat'");
        assertThat(error("concat", 1)).isEqualTo("bad argument #1 to 'table.concat' (table expected, got number)");
        assertThat(error("concat", seq(1), new LuaTable())).isEqualTo("bad argument #2 to 'table.concat' (string expected, got table)");
        // a __name does not change the type in this message
        LuaTable named = new LuaTable();
        LuaTable mt = new LuaTable();
        mt.put(Meta.NAME, lv("My"));
        named.setMetatable(mt);
        assertThat(error("concat", seq(1, named), ",")).isEqualTo("invalid value (table) at index 2 in table for 'concat'");
    }

    @Test
    void concatThroughMetamethods() {
        LuaTable proxy = new LuaTable();
        proxy.setMetatable(readProxyMeta(4));
        assertThat(show(call("concat", proxy, ","))).isEqualTo("10,20,30,40");
        // __len alone is not enough: the empty table is read raw
        LuaTable lenOnly = new LuaTable();
        LuaTable mt = new LuaTable();
        mt.put(Meta.LEN, fn(a -> 2L));
        lenOnly.setMetatable(mt);
        assertThat(error("concat", lenOnly)).isEqualTo("invalid value (nil) at index 1 in table for 'concat'");
    }

    // ---------------------------------------------------------------- insert

    @Test
    void insert() {
        LuaTable t = seq(1, 2, 3);
        assertThat(call("insert", t, 1, "x")).isEmpty();
        assertThat(items(t)).isEqualTo("x,1,2,3");
        call("insert", t, "y");
        assertThat(items(t)).isEqualTo("x,1,2,3,y");
        call("insert", t, 6, "z");
        assertThat(items(t)).isEqualTo("x,1,2,3,y,z");
        call("insert", t, 2.0, "w");
        assertThat(items(t)).isEqualTo("x,w,1,2,3,y,z");
        call("insert", t, "2", "v");
        assertThat(items(t)).isEqualTo("x,v,w,1,2,3,y,z");
        LuaTable e = seq();
        call("insert", e, 1, null);
        assertThat(items(e)).isEmpty();
    }

    @Test
    void insertErrors() {
        assertThat(error("insert", seq(), 1, 2, 3)).isEqualTo("wrong number of arguments to 'insert'");
        assertThat(error("insert", seq())).isEqualTo("wrong number of arguments to 'insert'");
        assertThat(error("insert", seq(), 3, 2)).isEqualTo("bad argument #2 to 'table.insert' (position out of bounds)");
        assertThat(error("insert", seq(), 0, 1)).isEqualTo("bad argument #2 to 'table.insert' (position out of bounds)");
        assertThat(error("insert", seq(1, 2, 3), 5, "x")).isEqualTo("bad argument #2 to 'table.insert' (position out of bounds)");
        assertThat(error("insert", seq(1, 2, 3), -1, "x")).isEqualTo("bad argument #2 to 'table.insert' (position out of bounds)");
        assertThat(error("insert", null, 1)).isEqualTo("bad argument #1 to 'table.insert' (table expected, got nil)");
        assertThat(error("insert", 1, 1)).isEqualTo("bad argument #1 to 'table.insert' (table expected, got number)");
        assertThat(error("insert", seq(), "a", 1)).isEqualTo("bad argument #2 to 'table.insert' (number expected, got string)");
        assertThat(error("insert", seq(1, 2, 3), 2.5, "x"))
            .isEqualTo("bad argument #2 to 'table.insert' (number has no integer representation)");
    }

    @Test
    void insertUsesNewindex() {
        // lua5.4: insert(w, "a"); insert(w, 1, "b") logs "1=a 2=a"
        List<String> log = new ArrayList<>();
        LuaTable w = new LuaTable();
        LuaTable mt = new LuaTable();
        mt.put(Meta.NEWINDEX, fn(a -> {
            log.add(a[1] + "=" + a[2]);
            ((LuaTable) a[0]).put(a[1], a[2]);
            return Varargs.NONE;
        }));
        w.setMetatable(mt);
        call("insert", w, "a");
        call("insert", w, 1, "b");
        assertThat(String.join(" ", log)).isEqualTo("1=a 2=a");
        assertThat(items(w)).isEqualTo("b,a");
    }

    // ---------------------------------------------------------------- checktab on non-tables

    @Test
    void nonTablesWithMetamethods() {
        // lua5.4 with debug.setmetatable(0, mt)
        LuaTable mt = new LuaTable();
        L.setMetatable(0L, mt);
        assertThat(error("concat", 5)).isEqualTo("bad argument #1 to 'table.concat' (table expected, got number)");
        mt.put(Meta.INDEX, fn(a -> Ops.str("v" + a[1])));
        assertThat(error("concat", 5)).isEqualTo("bad argument #1 to 'table.concat' (table expected, got number)");
        mt.put(Meta.LEN, fn(a -> 3L));
        assertThat(show(call("concat", 5))).isEqualTo("v1v2v3");
        assertThat(error("insert", 5, 1)).isEqualTo("bad argument #1 to 'table.insert' (table expected, got number)");
        assertThat(error("remove", 5)).isEqualTo("bad argument #1 to 'table.remove' (table expected, got number)");
        assertThat(error("sort", 5)).isEqualTo("bad argument #1 to 'table.sort' (table expected, got number)");
        assertThat(show(call("unpack", 5))).isEqualTo("v1\tv2\tv3");
        assertThat(error("move", 5, 1, 3, 1)).isEqualTo("bad argument #1 to 'table.move' (table expected, got number)");
        assertThat(call1("move", 5, 1, 3, 1, new LuaTable())).isInstanceOf(LuaTable.class);
        assertThat(error("move", seq(1, 2), 1, 2, 1, 5)).isEqualTo("bad argument #5 to 'table.move' (table expected, got number)");

        List<String> log = new ArrayList<>();
        mt.put(Meta.NEWINDEX, fn(a -> {
            log.add("set " + Ops.rawToString(L, a[1]) + " " + Ops.rawToString(L, a[2]));
            return Varargs.NONE;
        }));
        assertThat(call("insert", 5, "x")).isEmpty();
        assertThat(log).containsExactly("set 4 x");
        log.clear();
        assertThat(show(call("remove", 5))).isEqualTo("v3");
        assertThat(log).containsExactly("set 3 nil");
        log.clear();
        assertThat(call1("move", seq(1, 2), 1, 2, 1, 5)).isEqualTo(5L);
        assertThat(log).containsExactly("set 1 1", "set 2 2");
        log.clear();
        assertThat(call("sort", 5)).isEmpty();
        assertThat(log).isEmpty();
    }

    @Test
    void lengthMustBeAnInteger() {
        LuaTable mt = new LuaTable();
        mt.put(Meta.INDEX, fn(a -> Ops.str("v" + a[1])));
        mt.put(Meta.NEWINDEX, fn(a -> Varargs.NONE));
        L.setMetatable(0L, mt);
        mt.put(Meta.LEN, fn(a -> 3.0));
        assertThat(call("insert", 5, "x")).isEmpty();
        mt.put(Meta.LEN, fn(a -> Ops.str("3")));
        assertThat(show(call("unpack", 5))).isEqualTo("v1\tv2\tv3");
        mt.put(Meta.LEN, fn(a -> 3.5));
        assertThat(error("insert", 5, "x")).isEqualTo("object length is not an integer");
    }

    // ---------------------------------------------------------------- move

    @Test
    void move() {
        LuaTable t = seq(1, 2, 3);
        assertThat(call1("move", t, 1, 3, 2)).isSameAs(t);
        assertThat(items(t)).isEqualTo("1,1,2,3");
        t = seq(1, 2, 3);
        call("move", t, 2, 3, 1);
        assertThat(items(t)).isEqualTo("2,3,3");
        LuaTable dst = seq("a", "b", "c", "d");
        assertThat(call1("move", seq(1, 2), 1, 2, 2, dst)).isSameAs(dst);
        assertThat(items(dst)).isEqualTo("a,1,2,d");
        // nothing to move when e < f
        assertThat(items((LuaTable) call1("move", seq(1, 2, 3), 3, 1, 1))).isEqualTo("1,2,3");
        assertThat(call1("move", seq(), 1, 2, Long.MAX_VALUE - 1)).isInstanceOf(LuaTable.class);
    }

    @Test
    void moveErrors() {
        assertThat(error("move", seq(), 1, Long.MAX_VALUE, 2)).isEqualTo("bad argument #4 to 'table.move' (destination wrap around)");
        assertThat(error("move", seq(), -1, Long.MAX_VALUE, 2)).isEqualTo("bad argument #3 to 'table.move' (too many elements to move)");
        assertThat(error("move", seq(), 1, 3, Long.MAX_VALUE)).isEqualTo("bad argument #4 to 'table.move' (destination wrap around)");
        assertThat(error("move", seq(), Long.MIN_VALUE, 0, 1)).isEqualTo("bad argument #3 to 'table.move' (too many elements to move)");
        assertThat(error("move", seq(), 0, Long.MAX_VALUE, 1)).isEqualTo("bad argument #3 to 'table.move' (too many elements to move)");
        assertThat(error("move", seq(), 1, 2, Long.MAX_VALUE)).isEqualTo("bad argument #4 to 'table.move' (destination wrap around)");
        assertThat(error("move", seq(1, 2, 3), 1, 3, 1, 5)).isEqualTo("bad argument #5 to 'table.move' (table expected, got number)");
        assertThat(error("move", seq(), 1, 2)).isEqualTo("bad argument #4 to 'table.move' (number expected, got no value)");
        assertThat(error("move", seq(1, 2, 3), 1, 3, 1.5))
            .isEqualTo("bad argument #4 to 'table.move' (number has no integer representation)");
    }

    // ---------------------------------------------------------------- pack, unpack

    @Test
    void pack() {
        LuaTable t = (LuaTable) call1("pack", 1, null, 3);
        assertThat(t.get(Ops.str("n"))).isEqualTo(3L);
        assertThat(t.get(1L)).isEqualTo(1L);
        assertThat(t.get(2L)).isNull();
        assertThat(t.get(3L)).isEqualTo(3L);
        LuaTable e = (LuaTable) call1("pack");
        assertThat(e.get(Ops.str("n"))).isEqualTo(0L);
        assertThat(e.length()).isZero();
    }

    @Test
    void unpack() {
        assertThat(show(call("unpack", seq(1, 2, 3)))).isEqualTo("1\t2\t3");
        assertThat(show(call("unpack", seq(1, 2, 3), -1, 1))).isEqualTo("nil\tnil\t1");
        assertThat(show(call("unpack", seq(1, 2, 3), 2))).isEqualTo("2\t3");
        assertThat(call("unpack", seq(1, 2, 3), 2, 1)).isEmpty();
        assertThat(show(call("unpack", seq(1, 2, 3), null, 2))).isEqualTo("1\t2");
        assertThat(call("unpack", seq(), 1, 0)).isEmpty();
        assertThat(show(call("unpack", seq(), Long.MAX_VALUE - 2, Long.MAX_VALUE))).isEqualTo("nil\tnil\tnil");
        // a string has a length and indexes its metatable: no error
        L.setMetatable(LuaString.EMPTY, new LuaTable());
        assertThat(error("unpack", "abc")).isEqualTo("attempt to index a string value");
        LuaTable sm = new LuaTable();
        sm.put(Meta.INDEX, new LuaTable());
        L.setMetatable(LuaString.EMPTY, sm);
        assertThat(show(call("unpack", "abc"))).isEqualTo("nil\tnil\tnil");
        LuaTable withN = seq();
        withN.put(Ops.str("n"), 3L);
        assertThat(call("unpack", withN)).isEmpty();
        LuaTable proxy = new LuaTable();
        proxy.setMetatable(readProxyMeta(4));
        assertThat(show(call("unpack", proxy))).isEqualTo("10\t20\t30\t40");
    }

    @Test
    void unpackErrors() {
        assertThat(error("unpack", seq(), 1, 1e8)).isEqualTo("too many results to unpack");
        assertThat(error("unpack", seq(), 1, Long.MAX_VALUE)).isEqualTo("too many results to unpack");
        assertThat(error("unpack", seq(), Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo("too many results to unpack");
        assertThat(error("unpack", seq(), 1, 10_000_000)).isEqualTo("too many results to unpack");
        assertThat(error("unpack")).isEqualTo("attempt to get length of a nil value");
        assertThat(error("unpack", (Object) null)).isEqualTo("attempt to get length of a nil value");
        assertThat(error("unpack", null, 1, 2)).isEqualTo("attempt to index a nil value");
        assertThat(error("unpack", seq(1, 2, 3), "a")).isEqualTo("bad argument #2 to 'table.unpack' (number expected, got string)");
    }

    // ---------------------------------------------------------------- remove

    @Test
    void remove() {
        LuaTable t = seq(1, 2, 3);
        assertThat(show(call("remove", t, 1))).isEqualTo("1");
        assertThat(items(t)).isEqualTo("2,3");
        t = seq(1, 2, 3);
        assertThat(show(call("remove", t))).isEqualTo("3");
        assertThat(items(t)).isEqualTo("1,2");
        assertThat(show(call("remove", seq()))).isEqualTo("nil");
        assertThat(show(call("remove", seq(), 0))).isEqualTo("nil");
        assertThat(show(call("remove", seq(), 1))).isEqualTo("nil");
        assertThat(show(call("remove", seq(1, 2, 3), 4))).isEqualTo("nil");
        LuaTable z = seq();
        z.put(0L, lv("z"));
        assertThat(show(call("remove", z, 0))).isEqualTo("z");
        assertThat(z.get(0L)).isNull();
        LuaTable zero = seq();
        zero.put(0L, Long.valueOf(1));
        assertThat(show(call("remove", zero))).isEqualTo("1");
    }

    @Test
    void removeErrors() {
        // lua5.4 names argument #1 in this message
        assertThat(error("remove", seq(), 3)).isEqualTo("bad argument #1 to 'table.remove' (position out of bounds)");
        assertThat(error("remove", seq(), -1)).isEqualTo("bad argument #1 to 'table.remove' (position out of bounds)");
        assertThat(error("remove", seq(1, 2, 3), 5)).isEqualTo("bad argument #1 to 'table.remove' (position out of bounds)");
        assertThat(error("remove", seq(1, 2, 3), 0)).isEqualTo("bad argument #1 to 'table.remove' (position out of bounds)");
        LuaTable sparse = seq();
        sparse.put(5L, Long.valueOf(1));
        assertThat(error("remove", sparse, 5)).isEqualTo("bad argument #1 to 'table.remove' (position out of bounds)");
        assertThat(error("remove", seq(1, 2, 3), "x")).isEqualTo("bad argument #2 to 'table.remove' (number expected, got string)");
    }

    // ---------------------------------------------------------------- sort

    @Test
    void sort() {
        LuaTable t = seq(5, 2, 8, 1, 9, 3);
        assertThat(call("sort", t, fn(a -> Ops.lessThan(L, a[1], a[0])))).isEmpty();
        assertThat(items(t)).isEqualTo("9,8,5,3,2,1");
        t = seq("b", "a", "c", "B");
        call("sort", t);
        assertThat(items(t)).isEqualTo("B,a,b,c");
        t = seq(3, 1, 2);
        call("sort", t, null);
        assertThat(items(t)).isEqualTo("1,2,3");
        // always-true comparators on two or three items are not detected (lua5.4 neither)
        call("sort", seq(5, 3, 1), fn(a -> true));
        call("sort", seq(5, 3), fn(a -> true));
        // the comparator is not checked when there is nothing to sort
        assertThat(call("sort", seq(1), 3)).isEmpty();
        assertThat(call("sort", seq(), 3)).isEmpty();
    }

    @Test
    void sortMixedIntegersAndFloats() {
        LuaTable t = seq(3, 1.5, 2, -1, 2.5);
        call("sort", t);
        assertThat(items(t)).isEqualTo("-1,1.5,2,2.5,3");
    }

    @Test
    void sortErrors() {
        assertThat(error("sort", seq(3, 1, 2), 3)).isEqualTo("bad argument #2 to 'table.sort' (function expected, got number)");
        LuaTable callable = new LuaTable();
        LuaTable mt = new LuaTable();
        mt.put(Meta.CALL, fn(a -> true));
        callable.setMetatable(mt);
        assertThat(error("sort", seq(3, 2, 1), callable)).isEqualTo("bad argument #2 to 'table.sort' (function expected, got table)");
        assertThat(error("sort", seq(3, 1, "x"))).isEqualTo("attempt to compare string with number");
        assertThat(error("sort", seq(1, "x", 2))).isEqualTo("attempt to compare string with number");
        assertThat(error("sort", seq(1, new LuaTable(), 2))).isEqualTo("attempt to compare table with number");
        assertThat(error("sort", 1)).isEqualTo("bad argument #1 to 'table.sort' (table expected, got number)");
        LuaTable huge = new LuaTable();
        huge.setMetatable(readProxyMeta(Long.MAX_VALUE));
        assertThat(error("sort", huge)).isEqualTo("bad argument #1 to 'table.sort' (array too big)");
        huge.setMetatable(readProxyMeta(Integer.MAX_VALUE));
        assertThat(error("sort", huge)).isEqualTo("bad argument #1 to 'table.sort' (array too big)");
    }

    @Test
    void sortDetectsInvalidOrder() {
        Object[] twenty = new Object[20];
        for (int i = 0; i < 20; i++) {
            twenty[i] = i + 1;
        }
        assertThat(error("sort", seq(twenty), fn(a -> true))).isEqualTo("invalid order function for sorting");
        assertThat(error("sort", seq(1, 2, 3, 4), fn(a -> true))).isEqualTo("invalid order function for sorting");
        assertThat(error("sort", seq(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), fn(a -> Ops.lessEqual(L, a[0], a[1]))))
            .isEqualTo("invalid order function for sorting");
    }

    @Test
    void sortPropagatesComparatorErrors() {
        LuaTable errValue = new LuaTable();
        assertThatThrownBy(() -> call("sort", seq(1, 2, 3), fn(a -> {
            throw new LuaError(errValue);
        }))).isInstanceOfSatisfying(LuaError.class, e -> assertThat(e.value()).isSameAs(errValue));
    }

    @Test
    void sortGoesThroughMetamethods() {
        // lua5.4 logs "1=20 3=30 2=30 1=10" for a proxy whose writes are not stored
        long[] data = {30, 10, 20};
        List<String> log = new ArrayList<>();
        LuaTable mt = new LuaTable();
        mt.put(Meta.INDEX, fn(a -> data[(int) (long) (Long) a[1] - 1]));
        mt.put(Meta.NEWINDEX, fn(a -> {
            log.add(a[1] + "=" + a[2]);
            return Varargs.NONE;
        }));
        mt.put(Meta.LEN, fn(a -> 3L));
        LuaTable p = new LuaTable();
        p.setMetatable(mt);
        call("sort", p);
        assertThat(String.join(" ", log)).isEqualTo("1=20 3=30 2=30 1=10");
    }

    @Test
    void sortLargeInputsOfEveryShape() {
        int n = 100_000;
        Random rnd = new Random(1);
        List<long[]> inputs = new ArrayList<>();
        long[] sorted = new long[n];
        long[] reversed = new long[n];
        long[] equal = new long[n];
        long[] random = new long[n];
        long[] organ = new long[n];
        long[] few = new long[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = i;
            reversed[i] = n - i;
            equal[i] = 7;
            random[i] = rnd.nextLong();
            organ[i] = i < n / 2 ? i : n - i;
            few[i] = rnd.nextInt(3);
        }
        inputs.add(sorted);
        inputs.add(reversed);
        inputs.add(equal);
        inputs.add(random);
        inputs.add(organ);
        inputs.add(few);
        for (long[] in : inputs) {
            LuaTable t = new LuaTable();
            for (int i = 0; i < n; i++) {
                t.put(i + 1, Long.valueOf(in[i]));
            }
            call("sort", t);
            long[] expect = in.clone();
            java.util.Arrays.sort(expect);
            for (int i = 0; i < n; i++) {
                assertThat(t.get(i + 1)).isEqualTo(expect[i]);
            }
        }
    }

    @Test
    void sortWithAdversarialComparatorStaysShallow() {
        // a comparator that answers at random may make every split bad; the Java stack must hold
        Random rnd = new Random(7);
        int n = 20_000;
        LuaTable t = new LuaTable();
        for (int i = 0; i < n; i++) {
            t.put(i + 1, Long.valueOf(i));
        }
        try {
            call("sort", t, fn(a -> rnd.nextInt(5) == 0));
        } catch (LuaError e) {
            assertThat(e.getMessage()).isEqualTo("invalid order function for sorting");
        }
    }

    @Test
    void longLoopsCanBeInterrupted() {
        LuaTable t = new LuaTable();
        for (int i = 0; i < 50_000; i++) {
            t.put(i + 1, Long.valueOf(50_000 - i));
        }
        L.interrupt(lv("stop"));
        assertThatThrownBy(() -> call("sort", t)).isInstanceOfSatisfying(LuaError.class,
            e -> assertThat(e.value()).isEqualTo(lv("stop")));
        L.interrupt(lv("stop2"));
        assertThatThrownBy(() -> call("concat", t, ",")).isInstanceOfSatisfying(LuaError.class,
            e -> assertThat(e.value()).isEqualTo(lv("stop2")));
        L.interrupt(lv("stop3"));
        assertThatThrownBy(() -> call("move", t, 1, 50_000, 2)).isInstanceOfSatisfying(LuaError.class,
            e -> assertThat(e.value()).isEqualTo(lv("stop3")));
    }

    @Test
    void openSetsTheGlobal() {
        LuaTable lib = (LuaTable) L.globals.get(Ops.str("table"));
        for (String name : new String[] {"concat", "insert", "move", "pack", "remove", "sort", "unpack"}) {
            assertThat(lib.get(Ops.str(name))).as(name).isInstanceOf(LuaFunction.class);
            assertThat(((LuaFunction) lib.get(Ops.str(name))).name()).isEqualTo("table." + name);
        }
    }
}
