/**
 * The parser: tokens to a tree with names resolved (locals, upvalues, globals) and gotos bound.
 */
package lunatik.lua.parse;
