/**
 * The Lunatik modules scripts {@code require}: one class per module, named after it ({@code DataLib}
 * is {@code data}, {@code CryptoShashLib} is {@code crypto_shash}), each with {@code open(LuaState)}.
 */
package lunatik.runtime.lib;
