/**
 * Lua values: byte strings, tables, functions, userdata, and the Varargs of calls.
 */
package lunatik.lua.value;
