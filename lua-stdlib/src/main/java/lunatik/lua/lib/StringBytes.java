package lunatik.lua.lib;

import java.io.ByteArrayOutputStream;
import lunatik.lua.value.LuaString;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * A byte stream that becomes a Lua string: past the longest string ({@link LuaString#MAX_LENGTH})
 * it raises the Lua error "not enough memory", where a plain {@link ByteArrayOutputStream}
 * would throw an {@link OutOfMemoryError} for an array too long. Made with a state, it polls it
 * ({@link LuaState#tick}) at each block written, so that reading a huge file or building a
 * huge string can be interrupted.
 */
final class StringBytes extends ByteArrayOutputStream {
    private final LuaState poll;

    StringBytes() {
        this(null, 32);
    }

    StringBytes(LuaState poll, int size) {
        super(size);
        this.poll = poll;
    }

    @Override
    public void write(int b) {
        room(1);
        super.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        room(len);
        super.write(b, off, len);
        if (poll != null) {
            poll.tick();
        }
    }

    private void room(int n) {
        if (n > LuaString.MAX_LENGTH - count) {
            throw new LuaError(Ops.str("not enough memory"));
        }
    }

    /** The bytes written, as a Lua string. */
    LuaString toLuaString() {
        return LuaString.wrap(toByteArray());
    }
}
