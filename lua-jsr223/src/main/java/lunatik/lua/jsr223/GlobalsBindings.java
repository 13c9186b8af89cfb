package lunatik.lua.jsr223;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.script.Bindings;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;

/**
 * An engine's ENGINE_SCOPE bindings: a live view of its state's global table. {@code put("x", 1)}
 * is the global {@code x = 1}; what a script assigns to a global is there at once; only string
 * keys are seen. Values are converted as {@link Values} says.
 */
final class GlobalsBindings extends AbstractMap<String, Object> implements Bindings {
    final LuaTable globals;

    GlobalsBindings(LuaTable globals) {
        this.globals = globals;
    }

    private static LuaString key(Object k) {
        if (!(k instanceof String s)) {
            throw new ClassCastException("bindings keys are strings");
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty key");
        }
        return LuaString.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Object put(String name, Object value) {
        LuaString k = key(name);
        Object old = globals.get(k);
        globals.put(k, Values.toLua(value));
        return Values.toJava(old);
    }

    @Override
    public Object get(Object key) {
        return key instanceof String s && !s.isEmpty() ? Values.toJava(globals.get(key(s))) : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String s && !s.isEmpty() && globals.get(key(s)) != null;
    }

    @Override
    public Object remove(Object key) {
        if (!(key instanceof String s) || s.isEmpty()) {
            return null;
        }
        LuaString k = key(s);
        Object old = globals.get(k);
        globals.put(k, null);
        return Values.toJava(old);
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        for (int slot = globals.nextSlot(null); slot >= 0; slot = globals.nextSlot(globals.slotKey(slot))) {
            if (globals.slotKey(slot) instanceof LuaString k) {
                entries.add(new SimpleImmutableEntry<>(new String(k.bytes(), StandardCharsets.UTF_8),
                    Values.toJava(globals.slotValue(slot))));
            }
        }
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                Iterator<Map.Entry<String, Object>> it = entries.iterator();
                return new Iterator<>() {
                    Map.Entry<String, Object> last;

                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        last = it.next();
                        return last;
                    }

                    @Override
                    public void remove() {
                        GlobalsBindings.this.remove(last.getKey());
                    }
                };
            }

            @Override
            public int size() {
                return entries.size();
            }
        };
    }
}
