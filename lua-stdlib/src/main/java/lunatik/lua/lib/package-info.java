/**
 * The Lua standard library, one class per library ({@code BaseLib}, {@code StringLib}, ...), opened for a
 * dialect by {@link lunatik.lua.lib.Stdlib}.
 */
package lunatik.lua.lib;
