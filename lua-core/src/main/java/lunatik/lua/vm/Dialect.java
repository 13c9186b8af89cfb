package lunatik.lua.vm;

/**
 * The language a state speaks.
 *
 * <ul>
 *   <li>{@link #KERNEL}: Lunatik's "Lua 5.4-kernel": integers only, {@code /} is floor division,
 *       no {@code ^}, no float literals, integer-only string coercion, trimmed {@code math},
 *       no {@code io}/{@code os}.</li>
 *   <li>{@link #FULL}: standard Lua 5.4 with floats.</li>
 * </ul>
 */
public enum Dialect {
    KERNEL("Lua 5.4-kernel"),
    FULL("Lua 5.4");

    private final String version;

    Dialect(String version) {
        this.version = version;
    }

    /** The value of {@code _VERSION}. */
    public String version() {
        return version;
    }

    public boolean hasFloats() {
        return this == FULL;
    }
}
