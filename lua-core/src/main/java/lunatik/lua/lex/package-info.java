/**
 * The lexer: bytes of a chunk to tokens.
 */
package lunatik.lua.lex;
