package lunatik.lua.value;

/**
 * A full userdata: a Java object seen from Lua, with a metatable and one user value.
 * Lunatik objects (devices, sockets, data buffers) are userdata whose payload is the object.
 */
public class LuaUserdata {
    private Object payload;
    private LuaTable metatable;
    private Object userValue;
    /** The finalization sentinel when the metatable had {@code __gc} (see LuaState). */
    public Object gcSentinel;

    public LuaUserdata(Object payload, LuaTable metatable) {
        this.payload = payload;
        this.metatable = metatable;
    }

    public Object payload() {
        return payload;
    }

    public void setPayload(Object payload) {
        this.payload = payload;
    }

    public LuaTable getMetatable() {
        return metatable;
    }

    public void setMetatable(LuaTable mt) {
        metatable = mt;
    }

    public Object getUserValue() {
        return userValue;
    }

    public void setUserValue(Object v) {
        userValue = v;
    }
}
