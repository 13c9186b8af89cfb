package lunatik.lua.jsr223;

import java.util.List;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineFactory;

/**
 * The factory {@code javax.script.ScriptEngineManager} finds (META-INF/services): engines for
 * the names "lua", "Lua" and "lunatik", the extension "lua" and the MIME types
 * "text/x-lua" and "application/x-lua". Each engine is one Lua 5.4 state (FULL dialect, every
 * standard library).
 */
public final class LuaScriptEngineFactory implements ScriptEngineFactory {
    static final String VERSION = versionOf();

    private static String versionOf() {
        String v = LuaScriptEngineFactory.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v; // from the jar manifest (Implementation-Version); "dev" from classes
    }

    @Override
    public String getEngineName() {
        return "Lunatik Lua";
    }

    @Override
    public String getEngineVersion() {
        return VERSION;
    }

    @Override
    public List<String> getExtensions() {
        return List.of("lua");
    }

    @Override
    public List<String> getMimeTypes() {
        return List.of("text/x-lua", "application/x-lua");
    }

    @Override
    public List<String> getNames() {
        return List.of("lua", "Lua", "lunatik");
    }

    @Override
    public String getLanguageName() {
        return "Lua";
    }

    @Override
    public String getLanguageVersion() {
        return "5.4";
    }

    @Override
    public Object getParameter(String key) {
        return switch (key) {
            case ScriptEngine.ENGINE -> getEngineName();
            case ScriptEngine.ENGINE_VERSION -> getEngineVersion();
            case ScriptEngine.NAME -> "lua";
            case ScriptEngine.LANGUAGE -> getLanguageName();
            case ScriptEngine.LANGUAGE_VERSION -> getLanguageVersion();
            case "THREADING" -> null; // one state: not to be used by two threads at once
            default -> null;
        };
    }

    @Override
    public String getMethodCallSyntax(String obj, String m, String... args) {
        return obj + ":" + m + "(" + String.join(", ", args) + ")";
    }

    @Override
    public String getOutputStatement(String toDisplay) {
        StringBuilder b = new StringBuilder("print(\"");
        for (char c : toDisplay.toCharArray()) {
            switch (c) {
                case '"', '\\' -> b.append('\\').append(c);
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append("\")").toString();
    }

    @Override
    public String getProgram(String... statements) {
        return String.join("\n", statements);
    }

    @Override
    public ScriptEngine getScriptEngine() {
        return new LuaScriptEngine(this);
    }
}
