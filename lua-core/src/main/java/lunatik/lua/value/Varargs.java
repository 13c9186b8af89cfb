package lunatik.lua.value;

/**
 * Zero or several Lua values: what a call returns when it does not return exactly one value.
 *
 * <p>The calling convention of the engine: a function returns a plain Lua value ({@code null}
 * for nil) when it has exactly one result, and a {@code Varargs} otherwise. Lua values are
 * never {@code Varargs} instances, so {@code instanceof} tells the two cases apart and the
 * common single-result call allocates nothing.
 */
public final class Varargs {
    /** No values. */
    public static final Varargs NONE = new Varargs(new Object[0], 0);

    private final Object[] values;
    private final int count;

    private Varargs(Object[] values, int count) {
        this.values = values;
        this.count = count;
    }

    /** A return value for {@code values}: the value itself when there is exactly one. */
    public static Object of(Object... values) {
        if (values.length == 1) {
            return values[0];
        }
        return values.length == 0 ? NONE : new Varargs(values, values.length);
    }

    /** A return value for the first {@code n} of {@code values} (the array is kept, not copied). */
    public static Object of(Object[] values, int n) {
        if (n == 1) {
            return values[0];
        }
        return n == 0 ? NONE : new Varargs(values, n);
    }

    /** Always a {@code Varargs}, even for one value (for storing a result list). */
    public static Varargs list(Object[] values, int n) {
        return n == 0 ? NONE : new Varargs(values, n);
    }

    /** Number of values. */
    public int count() {
        return count;
    }

    /** The {@code i}-th value (0-based), nil past the end. */
    public Object get(int i) {
        return i < count ? values[i] : null;
    }

    /** The values as a fresh array of exactly {@link #count()} elements. */
    public Object[] toArray() {
        Object[] r = new Object[count];
        System.arraycopy(values, 0, r, 0, count);
        return r;
    }

    /** The first value of a call result ({@code r} is a value or a {@code Varargs}). */
    public static Object first(Object r) {
        return r instanceof Varargs v ? v.get(0) : r;
    }

    /** The number of values in a call result. */
    public static int count(Object r) {
        return r instanceof Varargs v ? v.count : 1;
    }

    /** The {@code i}-th value (0-based) of a call result. */
    public static Object get(Object r, int i) {
        if (r instanceof Varargs v) {
            return v.get(i);
        }
        return i == 0 ? r : null;
    }

    /** A call result as an array of exactly its values. */
    public static Object[] toArray(Object r) {
        return r instanceof Varargs v ? v.toArray() : new Object[] {r};
    }
}
