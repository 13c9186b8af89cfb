/**
 * The compiler of Lua functions to JVM classes ({@code java.lang.classfile}) and its run-time helpers.
 */
package lunatik.lua.jit;
