/**
 * The tree interpreter: the second back-end, and the fallback for what the compiler does not take.
 */
package lunatik.lua.interp;
