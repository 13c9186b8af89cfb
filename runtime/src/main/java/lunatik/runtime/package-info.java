/**
 * Lunatik runtimes from Java: {@link lunatik.runtime.Host} (script root, budgets, shared objects),
 * {@link lunatik.runtime.Runtime} (one KERNEL state, a lock, a reference count; the embedding API),
 * {@link lunatik.runtime.LunatikObject} and {@link lunatik.runtime.ObjectClass} (objects shared between
 * runtimes) and {@link lunatik.runtime.Objects} (their Lua values).
 */
package lunatik.runtime;
