/**
 * The state and the semantics of operations: {@link lunatik.lua.vm.LuaState}, {@link lunatik.lua.vm.Ops},
 * coroutines, errors, library-function support.
 */
package lunatik.lua.vm;
